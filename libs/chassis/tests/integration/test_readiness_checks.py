"""The ready-made readiness checks against the local platform's real Postgres and RabbitMQ."""

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from catalog_chassis.health import postgres_check, rabbitmq_check
from catalog_chassis.testing import platform_setting

pytestmark = pytest.mark.integration


def asyncpg_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+asyncpg://", 1)


async def test_postgres_check_passes_against_the_real_database() -> None:
    engine = create_async_engine(asyncpg_url(platform_setting("POSTGRES_ADMIN_URL")))
    try:
        await postgres_check(engine)()
    finally:
        await engine.dispose()


async def test_postgres_check_fails_when_the_database_is_unreachable() -> None:
    engine = create_async_engine("postgresql+asyncpg://nobody:nothing@127.0.0.1:1/none")
    try:
        with pytest.raises(OSError):
            await postgres_check(engine)()
    finally:
        await engine.dispose()


async def test_rabbitmq_check_passes_against_the_real_broker() -> None:
    await rabbitmq_check(platform_setting("RABBITMQ_URL"))()


async def test_rabbitmq_check_fails_when_the_broker_is_unreachable() -> None:
    with pytest.raises(ConnectionError):
        await rabbitmq_check("amqp://guest:guest@127.0.0.1:1/")()
