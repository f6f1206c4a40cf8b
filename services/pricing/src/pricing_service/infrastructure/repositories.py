"""SQL repository for prices, with optimistic concurrency on every write."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from catalog_chassis.repositories import NamedRow, SqlNamedRepository
from pricing_service.application.ports import PriceQuery, SortField
from pricing_service.domain.model import Price
from pricing_service.infrastructure.tables import PriceRow


class SqlPriceRepository(SqlNamedRepository[Price]):
    ROW: ClassVar[type[NamedRow[Price]]] = PriceRow
    RESOURCE = "price"
    SORT_COLUMNS = {
        SortField.NAME: PriceRow.name_key,
        SortField.VALUE: PriceRow.value,
        SortField.CREATED_AT: PriceRow.created_at,
    }

    async def list(self, query: PriceQuery) -> tuple[list[Price], int]:
        conditions: list[ColumnElement[bool]] = []
        if query.name_contains:
            conditions.append(self._name_contains(query.name_contains))
        if query.currency is not None:
            conditions.append(col(PriceRow.currency) == query.currency.value)
        if query.locked is not None:
            saga = col(PriceRow.locked_by_saga_id)
            conditions.append(saga.is_not(None) if query.locked else saga.is_(None))
        return await self._page(conditions, query)
