"""The SQL side of ``catalog_chassis.references``: a cache table of another service's
resources (at least ``id`` and ``version`` columns) and a tombstone table of the deleted ones
(``id``, ``version``, ``removed_at``)."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, bindparam, delete, exists, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import TextClause

from catalog_chassis.db import compiled_once
from catalog_chassis.references import Known
from catalog_chassis.repositories import serialize_on

K = TypeVar("K", bound=Known)


@functools.lru_cache(maxsize=64)
def _store_statement(cached: Table, removed: Table, columns: tuple[str, ...]) -> TextClause:
    """Insert the row (one parameter per column) unless its id is in ``removed``, or update
    the cached one if the row's version is newer; returns the id when written. Built and
    compiled once per table and columns: an upsert is compiled on every execution otherwise
    (see :func:`catalog_chassis.db.compiled_once`)."""
    row = {column: bindparam(column, type_=cached.c[column].type) for column in columns}
    source = select(*row.values()).where(~exists().where(removed.c.id == row["id"]))
    statement = insert(cached).from_select(list(columns), source)
    return compiled_once(
        statement.on_conflict_do_update(
            index_elements=[cached.c.id],
            set_={column: statement.excluded[column] for column in columns if column != "id"},
            where=cached.c.version < statement.excluded.version,
        ).returning(cached.c.id)
    )


class SqlReferenceCache(Generic[K]):
    """``values_of`` maps a cached item to its row (column name → value, ``id`` and
    ``version`` included)."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        cached: Table,
        removed: Table,
        values_of: Callable[[K], dict[str, Any]],
    ) -> None:
        self._session = session
        self._cached = cached
        self._removed = removed
        self._values_of = values_of

    async def known(self, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        cached = self._cached
        rows = await self._session.execute(select(cached.c.id).where(cached.c.id.in_(ids)))
        return set(rows.scalars())

    async def removed(self, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        removed = self._removed
        rows = await self._session.execute(select(removed.c.id).where(removed.c.id.in_(ids)))
        return set(rows.scalars())

    async def store(self, item: K) -> bool:
        # One statement decides "newer and not deleted", so the event consumer and the
        # lookup fallback cannot overwrite a newer copy with an older one; the lock makes a
        # concurrent deletion either finish first (and be seen) or wait for this.
        await serialize_on(self._session, self._lock_key(item.id))
        values = self._values_of(item)
        upsert = _store_statement(self._cached, self._removed, tuple(values))
        return (await self._session.execute(upsert, values)).first() is not None

    async def forget(self, item_id: uuid.UUID, *, version: int) -> None:
        cached, removed = self._cached, self._removed
        await serialize_on(self._session, self._lock_key(item_id))
        tombstone = insert(removed).values(
            id=item_id, version=version, removed_at=datetime.now(UTC)
        )
        await self._session.execute(
            tombstone.on_conflict_do_update(
                index_elements=[removed.c.id],
                set_={"version": func.greatest(removed.c.version, tombstone.excluded.version)},
            )
        )
        await self._session.execute(delete(cached).where(cached.c.id == item_id))

    def _lock_key(self, item_id: uuid.UUID) -> str:
        return f"{self._cached.name}:{item_id}"
