"""Plumbing every SQL repository needs: LIKE patterns, optimistic-concurrency checks,
constraint violations as conflicts, and paged list queries.

Small functions for the mechanics, and ``SqlNamedRepository`` for the repository every
versioned, uniquely named aggregate needs: each service's subclass keeps its own table,
filters and sort columns.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, ClassVar, Generic, Protocol, TypeVar, cast

from sqlalchemy import CursorResult, Result, Row, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from catalog_chassis.errors import Conflict, PreconditionFailed
from catalog_chassis.naming import name_key

# The escape character of the patterns below: pass it as ``column.like(pattern, escape=...)``.
LIKE_ESCAPE = "\\"

_TOTAL = "total_matching"
AggregateT = TypeVar("AggregateT")


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards (``%``, ``_``) and the escape character taken literally."""
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching values that contain ``text`` (escape with ``LIKE_ESCAPE``)."""
    return f"%{escape_like(text)}%"


def require_one_row_changed(result: Result[Any], *, resource: str) -> None:
    """Raise PreconditionFailed unless a versioned UPDATE/DELETE (``WHERE id = :id AND
    version = :expected``) touched exactly one row: none means another writer got there
    first (or the row is gone)."""
    if cast("CursorResult[Any]", result).rowcount != 1:
        raise PreconditionFailed(
            f"The {resource} was changed by someone else; reload it and try again."
        )


@asynccontextmanager
async def integrity_error_as_conflict(detail: str) -> AsyncIterator[None]:
    """Turn a constraint violation raised inside the block into Conflict(``detail``).

    For writes a unique index guards: the index, not an earlier check, decides a race
    between two writers, and the loser gets the same 409 the check would have given.
    """
    try:
        yield
    except IntegrityError as error:
        raise Conflict(detail) from error


async def fetch_page(
    session: AsyncSession,
    row_type: type[Any],
    *,
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[ColumnElement[Any]],
    limit: int,
    offset: int,
) -> tuple[list[Row[Any]], int]:
    """One page of ``row_type``'s table rows matching ``where``, and how many match in all.

    One statement: the total is a window count over the matching rows, computed before the
    page is cut. Only a page past the end (no row to carry the total) asks for the count.
    ``order_by`` should end with a unique column, so that pages neither repeat nor skip rows.
    The rows are plain result rows (columns as attributes), not ORM instances: a read needs
    no identity map or instance state.
    """
    total = func.count().over().label(_TOTAL)
    columns = row_type.__table__.columns
    result = await session.execute(
        select(*columns, total).where(*where).order_by(*order_by).limit(limit).offset(offset)
    )
    page = list(result.all())
    if page:
        return page, int(getattr(page[0], _TOTAL))
    if offset == 0:
        return [], 0
    counted = await session.execute(select(func.count()).select_from(row_type).where(*where))
    return [], int(counted.scalar_one())


async def serialize_on(session: AsyncSession, key: str) -> None:
    """Hold a transaction-scoped Postgres advisory lock on ``key`` until commit or rollback.

    For writers that decide on rows which may not exist yet (an upsert guarded by "not
    deleted"): under READ COMMITTED two such transactions can each miss the other's
    uncommitted row. Taking the lock first makes the second wait, and its next statement
    sees what the first committed.
    """
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
    )


class NamedRow(Protocol[AggregateT]):
    """A SQLModel table class of a versioned, uniquely named aggregate: columns ``id``,
    ``name_key`` (unique), ``version`` and ``created_at``; ``values_of`` maps an aggregate
    to its row's values and ``to_domain`` back."""

    id: Any
    name_key: Any
    version: Any

    @staticmethod
    def values_of(aggregate: AggregateT) -> dict[str, object]: ...

    def to_domain(self) -> AggregateT:
        """The aggregate from the row's columns (read as attributes only: the repository
        passes plain result rows, never building ORM instances for a read)."""
        ...


class SqlNamedRepository(Generic[AggregateT]):
    """get, add, save, remove and a paged list for one aggregate type, with
    optimistic concurrency on every write and the unique name index deciding races. A
    service subclasses it, sets ``ROW``, ``RESOURCE`` and ``SORT_COLUMNS``, and adds
    ``list`` with its own filters through ``_page``."""

    ROW: ClassVar[type[Any]]
    RESOURCE: ClassVar[str]
    SORT_COLUMNS: ClassVar[Mapping[Any, Any]]

    def __init__(self, session: AsyncSession, track: Callable[[AggregateT], AggregateT]) -> None:
        self._session = session
        self._track = track

    async def get(self, aggregate_id: uuid.UUID, *, for_update: bool = False) -> AggregateT | None:
        # A Core statement: the ORM's get (identity map, instance state, loading) was a
        # third of a read's CPU, and the writes below are explicit statements anyway.
        statement = select(*self.ROW.__table__.columns).where(self.ROW.id == aggregate_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).first()
        return self._track(self._to_domain(row)) if row is not None else None

    def _to_domain(self, row: Row[Any]) -> AggregateT:
        to_domain: Callable[[Any], AggregateT] = self.ROW.to_domain
        return to_domain(row)

    async def add(self, aggregate: AggregateT) -> None:
        self._track(aggregate)
        async with self._unique_name(aggregate):
            await self._session.execute(insert(self.ROW).values(**self.ROW.values_of(aggregate)))

    async def save(self, aggregate: AggregateT, *, expected_version: int) -> None:
        values = self.ROW.values_of(aggregate)
        del values["id"], values["created_at"]
        async with self._unique_name(aggregate):
            result = await self._session.execute(
                update(self.ROW)
                .where(self.ROW.id == aggregate.id)  # type: ignore[attr-defined]
                .where(self.ROW.version == expected_version)
                .values(**values)
            )
        require_one_row_changed(result, resource=self.RESOURCE)

    async def remove(self, aggregate: AggregateT, *, expected_version: int) -> None:
        result = await self._session.execute(
            delete(self.ROW)
            .where(self.ROW.id == aggregate.id)  # type: ignore[attr-defined]
            .where(self.ROW.version == expected_version)
        )
        require_one_row_changed(result, resource=self.RESOURCE)

    async def _page(
        self, conditions: Sequence[ColumnElement[bool]], query: Any
    ) -> tuple[list[AggregateT], int]:
        """One page of ``query`` (a ListWindow with a ``sort`` field: order and page) in
        ``SORT_COLUMNS[query.sort]`` order, ties broken by id, and the total."""
        column = self.SORT_COLUMNS[query.sort]
        rows, total = await fetch_page(
            self._session,
            self.ROW,
            where=conditions,
            order_by=[column.desc() if query.descending else column.asc(), self.ROW.id],
            limit=query.limit,
            offset=query.offset,
        )
        return [self._to_domain(row) for row in rows], total

    def _name_contains(self, text: str) -> ColumnElement[bool]:
        """Names containing ``text`` in any case (LIKE on the casefolded key)."""
        pattern = contains_pattern(name_key(text))
        condition: ColumnElement[bool] = self.ROW.name_key.like(pattern, escape=LIKE_ESCAPE)
        return condition

    def _unique_name(self, aggregate: AggregateT) -> AbstractAsyncContextManager[None]:
        # The unique index on name_key decides a race between two writers.
        name = aggregate.name  # type: ignore[attr-defined]
        return integrity_error_as_conflict(f"A {self.RESOURCE} named '{name}' already exists.")
