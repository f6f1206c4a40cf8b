"""`database_engine` names its connections after the service and the process's role."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import asyncpg
import pytest
from sqlalchemy import text

from catalog_chassis.db import (
    create_engine,
    create_session_factory,
    database_engine,
    libpq_dsn,
)
from catalog_chassis.outbox import SqlAlchemyUnitOfWork
from catalog_chassis.problems import DATABASE_UNAVAILABLE
from catalog_chassis.settings import ServiceSettings
from catalog_testing import eventually, platform_setting

pytestmark = pytest.mark.integration


async def application_name(settings: ServiceSettings, role: str) -> str:
    engine = database_engine(settings, role=role)
    try:
        async with engine.connect() as connection:
            name = await connection.execute(text("SELECT current_setting('application_name')"))
            return str(name.scalar_one())
    finally:
        await engine.dispose()


@pytest.mark.parametrize(("role", "expected"), [("", "gadgets"), ("relay", "gadgets-relay")])
async def test_connections_carry_the_service_and_role(
    chassis_database_url: str, role: str, expected: str
) -> None:
    settings = ServiceSettings(service_name="gadgets", database_url=chassis_database_url)

    assert await application_name(settings, role) == expected


async def test_a_dropped_connection_fails_one_statement_and_the_pool_heals(
    chassis_database_url: str,
) -> None:
    """No pre-ping round trip per checkout: a connection the server ended fails the one
    statement that meets it (a 503 for its request), and the pool replaces the rest."""
    engine = create_engine(chassis_database_url, application_name="pool-healing-probe")
    try:
        for _ in range(3):  # several pooled connections
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        admin = await asyncpg.connect(libpq_dsn(platform_setting("POSTGRES_ADMIN_URL")))
        try:
            ended = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = 'pool-healing-probe'"
            )
            # pg_terminate_backend only signals: wait until the backends have gone.
            for _ in range(100):
                left = await admin.fetchval(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE application_name = 'pool-healing-probe'"
                )
                if left == 0:
                    break
                await asyncio.sleep(0.05)
        finally:
            await admin.close()
        assert ended >= 1 and left == 0

        with pytest.raises(DATABASE_UNAVAILABLE):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        for _ in range(3):
            async with engine.connect() as connection:
                assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await engine.dispose()


async def test_units_of_work_wait_their_turn_for_a_pooled_connection(
    chassis_database_url: str,
) -> None:
    """Units of work beyond the pool wait in arrival order (db.Admission; its fairness
    against newcomers is unit-tested); one waiting longer than the pool timeout is refused
    like a pool timeout (a 503)."""
    engine = create_engine(chassis_database_url, pool_size=2, pool_timeout=3.0)
    sessions = create_session_factory(engine)
    started: list[int] = []
    release = asyncio.Event()

    async def unit_of_work(number: int) -> None:
        async with SqlAlchemyUnitOfWork(sessions, service="gadgets") as uow:
            started.append(number)  # admitted (the order of the statements below may vary)
            await uow.session.execute(text("SELECT 1"))
            await release.wait()

    try:
        holders = [asyncio.create_task(unit_of_work(n)) for n in (1, 2)]
        await eventually_true(lambda: len(started) == 2)
        waiters = []
        for number in (3, 4, 5):  # arrive in this order while the pool is full
            waiters.append(asyncio.create_task(unit_of_work(number)))
            await asyncio.sleep(0)  # let it start waiting before the next one arrives
        release.set()
        await asyncio.gather(*holders, *waiters)
        assert sorted(started[:2]) == [1, 2]
        assert started[2:] == [3, 4, 5]

        release.clear()
        holders = [asyncio.create_task(unit_of_work(n)) for n in (6, 7)]
        await eventually_true(lambda: len(started) == 7)
        with pytest.raises(DATABASE_UNAVAILABLE):
            async with SqlAlchemyUnitOfWork(sessions, service="gadgets"):
                pass
        release.set()
        await asyncio.gather(*holders)
    finally:
        await engine.dispose()


async def eventually_true(condition: Callable[[], bool]) -> None:
    async def holds() -> bool:
        return condition()

    await eventually(holds, within=5)
