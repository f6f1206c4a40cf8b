"""SQL repository for specifications, with optimistic concurrency on every write."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_chassis.errors import Conflict, PreconditionFailed
from catalog_chassis.naming import name_key
from specification_service.application.ports import SortField, SpecificationQuery
from specification_service.domain.model import Specification
from specification_service.infrastructure.tables import SpecificationRow

Track = Callable[[Specification], Specification]

_SORT_COLUMNS = {
    SortField.NAME: SpecificationRow.name_key,
    SortField.CREATED_AT: SpecificationRow.created_at,
    SortField.UPDATED_AT: SpecificationRow.updated_at,
}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlSpecificationRepository:
    def __init__(self, session: AsyncSession, track: Track) -> None:
        self._session = session
        self._track = track

    async def get(self, specification_id: uuid.UUID) -> Specification | None:
        row = await self._session.get(SpecificationRow, specification_id)
        return self._track(row.to_domain()) if row else None

    async def name_taken(self, name: str, *, excluding: uuid.UUID | None = None) -> bool:
        statement = select(SpecificationRow.id).where(SpecificationRow.name_key == name_key(name))
        if excluding is not None:
            statement = statement.where(SpecificationRow.id != excluding)
        return (await self._session.execute(statement.limit(1))).first() is not None

    async def add(self, specification: Specification) -> None:
        self._track(specification)
        async with self._unique_name(specification):
            await self._session.execute(
                insert(SpecificationRow).values(**SpecificationRow.values_of(specification))
            )

    async def save(self, specification: Specification, *, expected_version: int) -> None:
        values = SpecificationRow.values_of(specification)
        del values["id"], values["created_at"]
        async with self._unique_name(specification):
            result = await self._session.execute(
                update(SpecificationRow)
                .where(SpecificationRow.id == specification.id)
                .where(SpecificationRow.version == expected_version)
                .values(**values)
            )
        self._require_one_row(result.rowcount)  # type: ignore[attr-defined]

    async def remove(self, specification: Specification, *, expected_version: int) -> None:
        result = await self._session.execute(
            delete(SpecificationRow)
            .where(SpecificationRow.id == specification.id)
            .where(SpecificationRow.version == expected_version)
        )
        self._require_one_row(result.rowcount)  # type: ignore[attr-defined]

    async def list(self, query: SpecificationQuery) -> tuple[list[Specification], int]:
        conditions = []
        if query.name_contains:
            pattern = f"%{_escape_like(name_key(query.name_contains))}%"
            conditions.append(SpecificationRow.name_key.like(pattern, escape="\\"))
        if query.characteristic_id is not None:
            # ARRAY "@>": uses the GIN index on characteristic_ids.
            uses = SpecificationRow.characteristic_ids.contains  # type: ignore[attr-defined]
            conditions.append(uses([query.characteristic_id]))
        total = (
            await self._session.execute(
                select(func.count()).select_from(SpecificationRow).where(*conditions)
            )
        ).scalar_one()
        column = _SORT_COLUMNS[query.sort]
        order = column.desc() if query.descending else column.asc()
        rows = (
            await self._session.execute(
                select(SpecificationRow)
                .where(*conditions)
                .order_by(order, SpecificationRow.id)
                .limit(query.limit)
                .offset(query.offset)
            )
        ).scalars()
        return [row.to_domain() for row in rows], total

    @staticmethod
    @asynccontextmanager
    async def _unique_name(specification: Specification) -> AsyncIterator[None]:
        try:
            yield
        except IntegrityError as error:
            # The unique index on name_key decided a race between two writers.
            raise Conflict(
                f"A specification named '{specification.name}' already exists."
            ) from error

    @staticmethod
    def _require_one_row(rowcount: int) -> None:
        if rowcount != 1:
            raise PreconditionFailed(
                "The specification was changed by someone else; reload it and try again."
            )
