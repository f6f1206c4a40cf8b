"""SQL repository for offerings, with optimistic concurrency on every write."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from catalog_chassis.repositories import NamedRow, SqlNamedRepository
from offering_service.application.ports import OfferingQuery, SortField
from offering_service.domain.model import Offering
from offering_service.infrastructure.tables import OfferingRow


class SqlOfferingRepository(SqlNamedRepository[Offering]):
    ROW: ClassVar[type[NamedRow[Offering]]] = OfferingRow
    RESOURCE = "offering"
    SORT_COLUMNS = {
        SortField.NAME: OfferingRow.name_key,
        SortField.CREATED_AT: OfferingRow.created_at,
        SortField.UPDATED_AT: OfferingRow.updated_at,
        SortField.PUBLISHED_AT: OfferingRow.published_at,
    }

    async def list(self, query: OfferingQuery) -> tuple[list[Offering], int]:
        conditions: list[ColumnElement[bool]] = []
        if query.name_contains:
            conditions.append(self._name_contains(query.name_contains))
        if query.lifecycle_status is not None:
            status = col(OfferingRow.lifecycle_status) == query.lifecycle_status.value
            conditions.append(status)
        return await self._page(conditions, query)
