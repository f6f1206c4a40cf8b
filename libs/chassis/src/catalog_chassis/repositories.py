"""Plumbing every SQL repository needs: LIKE patterns, optimistic-concurrency checks,
constraint violations as conflicts, and paged list queries.

These are small functions, not a repository base class: each service's repository keeps its
own tables, filters and messages, and calls these for the mechanics they share.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Result, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from catalog_chassis.errors import Conflict, PreconditionFailed

# The escape character of the patterns below: pass it as ``column.like(pattern, escape=...)``.
LIKE_ESCAPE = "\\"

RowT = TypeVar("RowT")


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
    row_type: type[RowT],
    *,
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[ColumnElement[Any]],
    limit: int,
    offset: int,
) -> tuple[list[RowT], int]:
    """One page of ``row_type`` rows matching ``where``, and how many match in all.

    ``order_by`` should end with a unique column, so that pages neither repeat nor skip rows.
    """
    counted = await session.execute(select(func.count()).select_from(row_type).where(*where))
    rows = await session.execute(
        select(row_type).where(*where).order_by(*order_by).limit(limit).offset(offset)
    )
    return list(rows.scalars()), int(counted.scalar_one())


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
