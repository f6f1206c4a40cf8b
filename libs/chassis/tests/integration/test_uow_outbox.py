"""The unit of work writes the change and its events in one transaction, or neither."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy import table as table_clause
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalog_chassis.context import reset_correlation_id, set_correlation_id
from catalog_chassis.db import outbox_table
from catalog_chassis.outbox import SqlAlchemyUnitOfWork

pytestmark = pytest.mark.integration


@pytest.fixture
async def widgets_table(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE widgets (id text PRIMARY KEY, name text)"))


async def count(sessions: async_sessionmaker[AsyncSession], table: str) -> int:
    async with sessions() as session:
        counted = await session.execute(select(func.count()).select_from(table_clause(table)))
        return int(counted.scalar_one())


async def save(uow: SqlAlchemyUnitOfWork, widget: Any) -> None:
    await uow.session.execute(
        text("INSERT INTO widgets (id, name) VALUES (:id, :name)"),
        {"id": widget.id, "name": widget.name},
    )
    uow.track(widget)


@pytest.mark.usefixtures("widgets_table")
async def test_commit_writes_the_change_and_its_event_together(
    sessions: async_sessionmaker[AsyncSession], new_widget: Callable[[str], Any]
) -> None:
    token = set_correlation_id("corr-uow-1")
    try:
        async with SqlAlchemyUnitOfWork(sessions, service="widgets") as uow:
            widget = new_widget("gear")
            await save(uow, widget)
            await uow.commit()
    finally:
        reset_correlation_id(token)

    assert await count(sessions, "widgets") == 1
    async with sessions() as session:
        [row] = (await session.execute(select(outbox_table))).mappings().all()
    assert row["status"] == "PENDING"
    assert row["attempts"] == 0
    assert row["routing_key"] == "widget.created"
    assert row["aggregate_type"] == "widget"
    assert row["aggregate_id"] == widget.id
    assert row["event_type"] == "WidgetCreated"
    assert row["payload"]["id"] == str(row["event_id"])
    assert row["payload"]["correlationid"] == "corr-uow-1"
    assert row["payload"]["source"] == "/catalog/widgets"


@pytest.mark.usefixtures("widgets_table")
async def test_rolls_back_uncommitted_work_by_default(
    sessions: async_sessionmaker[AsyncSession], new_widget: Callable[[str], Any]
) -> None:
    async with SqlAlchemyUnitOfWork(sessions, service="widgets") as uow:
        await save(uow, new_widget("gear"))

    assert await count(sessions, "widgets") == 0
    assert await count(sessions, "outbox") == 0


@pytest.mark.usefixtures("widgets_table")
async def test_an_error_inside_the_unit_of_work_writes_no_event(
    sessions: async_sessionmaker[AsyncSession], new_widget: Callable[[str], Any]
) -> None:
    with pytest.raises(RuntimeError):
        async with SqlAlchemyUnitOfWork(sessions, service="widgets") as uow:
            await save(uow, new_widget("gear"))
            raise RuntimeError("use case failed")

    assert await count(sessions, "outbox") == 0


@pytest.mark.usefixtures("widgets_table")
async def test_a_change_that_fails_to_commit_leaves_no_event_behind(
    sessions: async_sessionmaker[AsyncSession], new_widget: Callable[[str], Any]
) -> None:
    first = new_widget("gear")
    async with SqlAlchemyUnitOfWork(sessions, service="widgets") as uow:
        await save(uow, first)
        await uow.commit()

    duplicate = new_widget("gear again")
    duplicate.id = first.id
    with pytest.raises(IntegrityError):
        async with SqlAlchemyUnitOfWork(sessions, service="widgets") as uow:
            uow.track(duplicate)
            await uow.session.execute(
                text("INSERT INTO widgets (id, name) VALUES (:id, 'x')"), {"id": first.id}
            )
            await uow.commit()

    assert await count(sessions, outbox_table.name) == 1


async def test_each_event_is_collected_once_across_commits(
    sessions: async_sessionmaker[AsyncSession], new_widget: Callable[[str], Any]
) -> None:
    async with SqlAlchemyUnitOfWork(sessions, service="widgets") as uow:
        uow.track(new_widget("gear"))
        await uow.commit()
        await uow.commit()

    assert await count(sessions, "outbox") == 1


async def transaction_starts(uow: SqlAlchemyUnitOfWork) -> list[Any]:
    """Postgres' now() (the start of the statement's transaction) for two statements a
    moment apart."""
    starts = []
    for _ in range(2):
        starts.append((await uow.session.execute(text("SELECT now()"))).scalar_one())
        await asyncio.sleep(0.05)
    return starts


async def test_a_read_only_unit_of_work_runs_each_statement_on_its_own(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with SqlAlchemyUnitOfWork(sessions, service="test") as uow:
        await uow.read_only()
        alone = await transaction_starts(uow)
    async with SqlAlchemyUnitOfWork(sessions, service="test") as uow:
        together = await transaction_starts(uow)

    assert alone[0] != alone[1]  # no BEGIN: each statement is a transaction of its own
    assert together[0] == together[1]  # one transaction around both
