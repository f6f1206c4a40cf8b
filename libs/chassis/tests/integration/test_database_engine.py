"""`database_engine` names its connections after the service and the process's role."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import text

from catalog_chassis.db import create_engine, database_engine, libpq_dsn
from catalog_chassis.problems import DATABASE_UNAVAILABLE
from catalog_chassis.settings import ServiceSettings
from catalog_testing import platform_setting

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
