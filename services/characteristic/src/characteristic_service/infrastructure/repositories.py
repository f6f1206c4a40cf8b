"""SQL repository for characteristics, with optimistic concurrency on every write."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_chassis.errors import Conflict, PreconditionFailed
from catalog_chassis.naming import name_key
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


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
        self._require_one_row(result.rowcount)  # type: ignore[attr-defined]

    async def remove(self, characteristic: Characteristic, *, expected_version: int) -> None:
        result = await self._session.execute(
            delete(CharacteristicRow)
            .where(CharacteristicRow.id == characteristic.id)
            .where(CharacteristicRow.version == expected_version)
        )
        self._require_one_row(result.rowcount)  # type: ignore[attr-defined]

    async def list(self, query: CharacteristicQuery) -> tuple[list[Characteristic], int]:
        conditions = []
        if query.name_contains:
            pattern = f"%{_escape_like(query.name_contains.casefold())}%"
            conditions.append(CharacteristicRow.name_key.like(pattern, escape="\\"))
        if query.unit_of_measure is not None:
            conditions.append(CharacteristicRow.unit_of_measure == query.unit_of_measure.value)
        total = (
            await self._session.execute(
                select(func.count()).select_from(CharacteristicRow).where(*conditions)
            )
        ).scalar_one()
        column = _SORT_COLUMNS[query.sort]
        order = column.desc() if query.descending else column.asc()
        rows = (
            await self._session.execute(
                select(CharacteristicRow)
                .where(*conditions)
                .order_by(order, CharacteristicRow.id)
                .limit(query.limit)
                .offset(query.offset)
            )
        ).scalars()
        return [row.to_domain() for row in rows], total

    @staticmethod
    @asynccontextmanager
    async def _unique_name(characteristic: Characteristic) -> AsyncIterator[None]:
        try:
            yield
        except IntegrityError as error:
            # The unique index on name_key decided a race between two writers.
            raise Conflict(
                f"A characteristic named '{characteristic.name}' already exists."
            ) from error

    @staticmethod
    def _require_one_row(rowcount: int) -> None:
        if rowcount != 1:
            raise PreconditionFailed(
                "The characteristic was changed by someone else; reload it and try again."
            )
