"""SQL repository for characteristics, with optimistic concurrency on every write."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_chassis.naming import name_key
from catalog_chassis.repositories import (
    LIKE_ESCAPE,
    contains_pattern,
    fetch_page,
    integrity_error_as_conflict,
    require_one_row_changed,
)
from characteristic_service.application.ports import CharacteristicQuery, SortField
from characteristic_service.domain.model import Characteristic
from characteristic_service.infrastructure.tables import CharacteristicRow

Track = Callable[[Characteristic], Characteristic]

_SORT_COLUMNS = {
    SortField.NAME: CharacteristicRow.name_key,
    SortField.VALUE: CharacteristicRow.value,
    SortField.CREATED_AT: CharacteristicRow.created_at,
    SortField.UPDATED_AT: CharacteristicRow.updated_at,
}


class SqlCharacteristicRepository:
    def __init__(self, session: AsyncSession, track: Track) -> None:
        self._session = session
        self._track = track

    async def get(self, characteristic_id: uuid.UUID) -> Characteristic | None:
        row = await self._session.get(CharacteristicRow, characteristic_id)
        return self._track(row.to_domain()) if row else None

    async def name_taken(self, name: str, *, excluding: uuid.UUID | None = None) -> bool:
        statement = select(CharacteristicRow.id).where(CharacteristicRow.name_key == name_key(name))
        if excluding is not None:
            statement = statement.where(CharacteristicRow.id != excluding)
        return (await self._session.execute(statement.limit(1))).first() is not None

    async def add(self, characteristic: Characteristic) -> None:
        self._track(characteristic)
        async with self._unique_name(characteristic):
            await self._session.execute(
                insert(CharacteristicRow).values(**CharacteristicRow.values_of(characteristic))
            )

    async def save(self, characteristic: Characteristic, *, expected_version: int) -> None:
        values = CharacteristicRow.values_of(characteristic)
        del values["id"], values["created_at"]
        async with self._unique_name(characteristic):
            result = await self._session.execute(
                update(CharacteristicRow)
                .where(CharacteristicRow.id == characteristic.id)
                .where(CharacteristicRow.version == expected_version)
                .values(**values)
            )
        require_one_row_changed(result, resource="characteristic")

    async def remove(self, characteristic: Characteristic, *, expected_version: int) -> None:
        result = await self._session.execute(
            delete(CharacteristicRow)
            .where(CharacteristicRow.id == characteristic.id)
            .where(CharacteristicRow.version == expected_version)
        )
        require_one_row_changed(result, resource="characteristic")

    async def list(self, query: CharacteristicQuery) -> tuple[list[Characteristic], int]:
        conditions = []
        if query.name_contains:
            pattern = contains_pattern(query.name_contains.casefold())
            conditions.append(CharacteristicRow.name_key.like(pattern, escape=LIKE_ESCAPE))
        if query.unit_of_measure is not None:
            conditions.append(CharacteristicRow.unit_of_measure == query.unit_of_measure.value)
        column = _SORT_COLUMNS[query.sort]
        rows, total = await fetch_page(
            self._session,
            CharacteristicRow,
            where=conditions,
            order_by=[column.desc() if query.descending else column.asc(), CharacteristicRow.id],
            limit=query.limit,
            offset=query.offset,
        )
        return [row.to_domain() for row in rows], total

    @staticmethod
    def _unique_name(characteristic: Characteristic) -> AbstractAsyncContextManager[None]:
        # The unique index on name_key decides a race between two writers.
        return integrity_error_as_conflict(
            f"A characteristic named '{characteristic.name}' already exists."
        )
