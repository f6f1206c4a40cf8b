"""SQL repository for characteristics, with optimistic concurrency on every write."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from catalog_chassis.repositories import NamedRow, SqlNamedRepository
from characteristic_service.application.ports import CharacteristicQuery, SortField
from characteristic_service.domain.model import Characteristic
from characteristic_service.infrastructure.tables import CharacteristicRow


class SqlCharacteristicRepository(SqlNamedRepository[Characteristic]):
    ROW: ClassVar[type[NamedRow[Characteristic]]] = CharacteristicRow
    RESOURCE = "characteristic"
    SORT_COLUMNS = {
        SortField.NAME: CharacteristicRow.name_key,
        SortField.VALUE: CharacteristicRow.value,
        SortField.CREATED_AT: CharacteristicRow.created_at,
        SortField.UPDATED_AT: CharacteristicRow.updated_at,
    }

    async def list(self, query: CharacteristicQuery) -> tuple[list[Characteristic], int]:
        conditions: list[ColumnElement[bool]] = []
        if query.name_contains:
            conditions.append(self._name_contains(query.name_contains))
        if query.unit_of_measure is not None:
            unit = col(CharacteristicRow.unit_of_measure) == query.unit_of_measure.value
            conditions.append(unit)
        return await self._page(conditions, query)
