"""SQL repository for specifications, with optimistic concurrency on every write."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from catalog_chassis.repositories import NamedRow, SqlNamedRepository
from specification_service.application.ports import SortField, SpecificationQuery
from specification_service.domain.model import Specification
from specification_service.infrastructure.tables import SpecificationRow


class SqlSpecificationRepository(SqlNamedRepository[Specification]):
    ROW: ClassVar[type[NamedRow[Specification]]] = SpecificationRow
    RESOURCE = "specification"
    SORT_COLUMNS = {
        SortField.NAME: SpecificationRow.name_key,
        SortField.CREATED_AT: SpecificationRow.created_at,
        SortField.UPDATED_AT: SpecificationRow.updated_at,
    }

    async def list(self, query: SpecificationQuery) -> tuple[list[Specification], int]:
        conditions: list[ColumnElement[bool]] = []
        if query.name_contains:
            conditions.append(self._name_contains(query.name_contains))
        if query.characteristic_id is not None:
            # ARRAY "@>": uses the GIN index on characteristic_ids.
            uses = col(SpecificationRow.characteristic_ids).contains
            conditions.append(uses([query.characteristic_id]))
        return await self._page(conditions, query)
