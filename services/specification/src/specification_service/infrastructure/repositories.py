"""SQL repository for specifications, with optimistic concurrency on every write."""

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
from specification_service.application.ports import SortField, SpecificationQuery
from specification_service.domain.model import Specification
from specification_service.infrastructure.tables import SpecificationRow

Track = Callable[[Specification], Specification]

_SORT_COLUMNS = {
    SortField.NAME: SpecificationRow.name_key,
    SortField.CREATED_AT: SpecificationRow.created_at,
    SortField.UPDATED_AT: SpecificationRow.updated_at,
}


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
        require_one_row_changed(result, resource="specification")

    async def remove(self, specification: Specification, *, expected_version: int) -> None:
        result = await self._session.execute(
            delete(SpecificationRow)
            .where(SpecificationRow.id == specification.id)
            .where(SpecificationRow.version == expected_version)
        )
        require_one_row_changed(result, resource="specification")

    async def list(self, query: SpecificationQuery) -> tuple[list[Specification], int]:
        conditions = []
        if query.name_contains:
            pattern = contains_pattern(name_key(query.name_contains))
            conditions.append(SpecificationRow.name_key.like(pattern, escape=LIKE_ESCAPE))
        if query.characteristic_id is not None:
            # ARRAY "@>": uses the GIN index on characteristic_ids.
            uses = SpecificationRow.characteristic_ids.contains  # type: ignore[attr-defined]
            conditions.append(uses([query.characteristic_id]))
        column = _SORT_COLUMNS[query.sort]
        rows, total = await fetch_page(
            self._session,
            SpecificationRow,
            where=conditions,
            order_by=[column.desc() if query.descending else column.asc(), SpecificationRow.id],
            limit=query.limit,
            offset=query.offset,
        )
        return [row.to_domain() for row in rows], total

    @staticmethod
    def _unique_name(specification: Specification) -> AbstractAsyncContextManager[None]:
        # The unique index on name_key decides a race between two writers.
        return integrity_error_as_conflict(
            f"A specification named '{specification.name}' already exists."
        )
