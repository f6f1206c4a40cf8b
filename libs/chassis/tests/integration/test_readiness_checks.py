"""The ready-made readiness checks against the local platform's real Postgres and RabbitMQ."""

import uuid

import aio_pika
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from catalog_chassis.health import postgres_check, queue_depths_check
from catalog_testing import platform_setting

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


async def test_queue_depths_are_read_from_the_real_broker() -> None:
    url = platform_setting("RABBITMQ_URL")
    name = f"readiness.test-{uuid.uuid4().hex[:8]}"
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        await channel.declare_queue(name, auto_delete=False)
        for body in (b"a", b"b"):
            await channel.default_exchange.publish(aio_pika.Message(body), routing_key=name)
        details = await queue_depths_check(url, [name, f"{name}.never-declared"])()
    finally:
        await channel.queue_delete(name)
        await connection.close()

    assert details == {"queueDepths": {name: 2, f"{name}.never-declared": 0}}


async def test_queue_depths_fail_when_the_broker_is_unreachable() -> None:
    with pytest.raises(ConnectionError):
        await queue_depths_check("amqp://guest:guest@127.0.0.1:1/", ["q"])()
