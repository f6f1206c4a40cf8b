"""Postgres unavailable to a consumer for half a minute while events arrive: every event is
applied once it is back, none is dead-lettered.

The shared Postgres cannot be stopped, so the consumer under test reaches it through a TCP
proxy of the test's own, which is cut (listener closed, open connections dropped: new ones
are refused, as by a database that is down or failing over) and restored.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from catalog_chassis.db import create_engine, create_session_factory
from catalog_chassis.messaging import (
    CloudEvent,
    ConsumerQueue,
    RetrySchedule,
    consumer_queue,
    make_broker,
    subscribe_processing,
)
from catalog_chassis.messaging.consumer import sql_processing
from catalog_testing import (
    THROWAWAY_QUEUE_ARGS,
    TcpProxy,
    delete_queues,
    eventually,
    message_count,
    publish_event,
    serving_consumers,
)

pytestmark = pytest.mark.integration

OUTAGE = 30.0
# Short for the test, but longer than the outage: 1, 2, 4, then every 8 s (47 s in all).
SCHEDULE = RetrySchedule.growing((1, 2, 4, 8), total=45)
BEFORE, DURING = 10, 20


@pytest.fixture
async def consumer(rabbitmq_url: str) -> AsyncIterator[ConsumerQueue]:
    name = f"test.outage.{uuid.uuid4().hex[:12]}"
    queue = consumer_queue(
        name, [f"test.{name}"], retry=SCHEDULE, extra_arguments=THROWAWAY_QUEUE_ARGS
    )
    yield queue
    await delete_queues(rabbitmq_url, queue.queue_names)


def widget_event(subject: str) -> bytes:
    return CloudEvent(
        id=uuid.uuid4(),
        source="/catalog/widgets",
        type="WidgetCreated",
        time=datetime.now(UTC),
        subject=subject,
        data={"id": subject, "version": 1},
    ).to_json_bytes()


async def applied(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT count(*) FROM widgets"))).scalar_one())


@pytest.mark.timeout(240)
async def test_events_arriving_while_postgres_is_down_are_all_applied_once_it_is_back(
    rabbitmq_url: str, engine: AsyncEngine, chassis_database_url: str, consumer: ConsumerQueue
) -> None:
    # `engine` reaches Postgres directly (the test's view); the consumer's goes through the
    # proxy.
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE widgets (id text PRIMARY KEY)"))
    database = make_url(chassis_database_url)
    loop = asyncio.get_running_loop()
    failures: list[tuple[float, str]] = []

    async with TcpProxy(database.host or "127.0.0.1", database.port or 5432) as proxy:
        proxied = database.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
        consumer_engine = create_engine(proxied)

        async def insert_widget(event: CloudEvent, session: AsyncSession) -> None:
            await session.execute(
                text("INSERT INTO widgets (id) VALUES (:id)"), {"id": event.subject}
            )

        into_postgres = sql_processing(create_session_factory(consumer_engine), insert_widget)

        async def process(name: str, event: CloudEvent) -> bool:
            try:
                return await into_postgres(name, event)
            except Exception as error:
                failures.append((loop.time(), type(error).__name__))
                raise

        broker = make_broker(rabbitmq_url)
        subscribe_processing(broker, consumer, process)
        key = consumer.binding_keys[0]
        try:
            async with serving_consumers(broker, [consumer]):
                for n in range(BEFORE):
                    await publish_event(rabbitmq_url, key, widget_event(f"before-{n}"))

                async def before_applied() -> bool:
                    return await applied(engine) == BEFORE

                await eventually(before_applied)

                await proxy.cut()
                cut_at = loop.time()
                for n in range(DURING):
                    await publish_event(rabbitmq_url, key, widget_event(f"during-{n}"))
                    await asyncio.sleep(OUTAGE / DURING)
                await asyncio.sleep(max(OUTAGE - (loop.time() - cut_at), 0))
                assert await applied(engine) == BEFORE, "written while Postgres was away?"
                await proxy.restore()
                restored_at = loop.time()

                async def all_applied() -> bool:
                    return await applied(engine) == BEFORE + DURING

                await eventually(all_applied, within=SCHEDULE.delays[-1] + 20, every=0.2)
                caught_up = loop.time() - restored_at
        finally:
            await consumer_engine.dispose()

    failed_attempts = len(failures)
    print(
        f"\noutage {restored_at - cut_at:.1f}s, {DURING} events during it,"
        f" {failed_attempts} failed attempts ({sorted({kind for _, kind in failures})});"
        f" all applied {caught_up:.1f}s after Postgres came back"
    )
    assert failed_attempts >= DURING  # each event met the outage at least once
    assert all(cut_at <= at <= restored_at + 1 for at, _ in failures)
    assert await message_count(rabbitmq_url, consumer.dead_letter_queue.name) == 0
    for delay_queue in consumer.retry_queues.values():
        assert await message_count(rabbitmq_url, delay_queue.name) == 0
    async with engine.connect() as connection:
        processed = await connection.execute(
            text("SELECT count(*) FROM processed_events WHERE consumer = :c"), {"c": consumer.name}
        )
        assert processed.scalar_one() == BEFORE + DURING
