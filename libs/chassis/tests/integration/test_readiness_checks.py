"""The ready-made readiness checks against the local platform's real Postgres and RabbitMQ."""

import os
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from catalog_chassis.health import postgres_check, rabbitmq_check

pytestmark = pytest.mark.integration

PLATFORM_ENV = Path(__file__).resolve().parents[4] / ".local" / "platform.env"


def platform_setting(name: str) -> str:
    """From the environment, falling back to the platform's contract file."""
    if name in os.environ:
        return os.environ[name]
    if PLATFORM_ENV.exists():
        for line in PLATFORM_ENV.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == name:
                return value.strip()
    pytest.skip(f"{name} is not configured (start the local platform)")


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
