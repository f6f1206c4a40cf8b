"""sslmode in DATABASE_URL reaches both connection paths: the engine and raw asyncpg."""

import asyncpg
import pytest
from sqlalchemy import text

from catalog_chassis.db import create_engine, libpq_dsn

pytestmark = pytest.mark.integration

SSL_IN_USE = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"


async def test_sslmode_disable_turns_tls_off_for_the_engine_and_for_listen_connections(
    chassis_database_url,
):
    url = f"{chassis_database_url}?sslmode=disable"
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text(SSL_IN_USE))).scalar_one() is False
    finally:
        await engine.dispose()
    raw = await asyncpg.connect(libpq_dsn(url))
    try:
        assert await raw.fetchval(SSL_IN_USE) is False
    finally:
        await raw.close()
