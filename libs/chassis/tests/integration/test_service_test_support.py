"""The service-test support in catalog_testing, against the real Postgres and broker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog_chassis.outbox import SqlAlchemyUnitOfWork
from catalog_testing import (
    eventually,
    outbox_drained,
    outbox_rows,
    running_outbox_relay,
    sql_runner,
)

pytestmark = pytest.mark.integration


async def test_sql_runner_returns_rows_as_dicts_and_commits_each_statement(
    chassis_database_url: str,
) -> None:
    async with sql_runner(chassis_database_url) as sql:
        assert await sql("CREATE TABLE notes (id int, body text)") == []
        await sql("INSERT INTO notes VALUES (:id, :body)", id=1, body="kept")
    async with sql_runner(chassis_database_url) as sql:
        assert await sql("SELECT id, body FROM notes") == [{"id": 1, "body": "kept"}]


async def test_the_relay_drains_the_outbox_rows_of_an_aggregate(
    chassis_database_url: str,
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    new_widget: Callable[[str], Any],
) -> None:
    widget = new_widget("sprocket")
    async with SqlAlchemyUnitOfWork(sessions, service="widgets") as uow:
        uow.track(widget)
        await uow.commit()

    async with sql_runner(chassis_database_url) as sql:
        [pending] = await outbox_rows(sql, widget.id)
        assert pending["status"] == "PENDING" and pending["event_type"] == "WidgetCreated"
        assert not await outbox_drained(sql)

        async with running_outbox_relay(chassis_database_url, rabbitmq_url, app_id="widgets"):
            await eventually(lambda: outbox_drained(sql))

        assert [row["status"] for row in await outbox_rows(sql, widget.id)] == ["SENT"]
