"""A consumer rides out transient failures through its delay queues without holding up the
messages behind them, dead-letters bad data at once, and a message whose handler kills the
process is dead-lettered once it has come back more often than the delivery limit."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalog_chassis.messaging import (
    CloudEvent,
    ConsumerQueue,
    PoisonMessage,
    RetrySchedule,
    consumer_queue,
    declare_consumer_topology,
    event_subscriber,
    make_broker,
)
from catalog_chassis.messaging.retry import (
    ATTEMPTS_HEADER,
    CONSUMER_HEADER,
    DEAD_LETTER_REASON_HEADER,
    LAST_ERROR_HEADER,
)
from catalog_chassis.references import MalformedSnapshot
from catalog_testing import (
    THROWAWAY_QUEUE_ARGS,
    collect_messages,
    delete_queues,
    eventually,
    message_count,
    publish_event,
    serving_consumers,
)

pytestmark = pytest.mark.integration


def widget_event(subject: str) -> CloudEvent:
    return CloudEvent(
        id=uuid.uuid4(),
        source="/catalog/widgets",
        type="WidgetCreated",
        time=datetime.now(UTC),
        subject=subject,
        data={"id": subject, "version": 1},
        correlationid="corr-retries",
    )


def throwaway_consumer(schedule: RetrySchedule, **options: int) -> ConsumerQueue:
    # Bound to a key of its own only: nothing the platform publishes reaches it.
    name = f"test.retries.{uuid.uuid4().hex[:12]}"
    return consumer_queue(
        name, [f"test.{name}"], retry=schedule, extra_arguments=THROWAWAY_QUEUE_ARGS, **options
    )


@pytest.fixture
async def counters(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE counters (name text PRIMARY KEY, value int)"))


async def count(session: AsyncSession, name: str) -> None:
    await session.execute(
        text(
            "INSERT INTO counters (name, value) VALUES (:name, 1) "
            "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1"
        ),
        {"name": name},
    )


async def counted(sessions: async_sessionmaker[AsyncSession], name: str) -> int:
    async with sessions() as session:
        found = await session.execute(
            text("SELECT value FROM counters WHERE name = :name"), {"name": name}
        )
        return int(found.scalar_one_or_none() or 0)


@pytest.fixture
async def flaky_consumer(rabbitmq_url: str) -> AsyncIterator[ConsumerQueue]:
    consumer = throwaway_consumer(RetrySchedule((1.0, 1.0, 1.0)))
    yield consumer
    await delete_queues(rabbitmq_url, consumer.queue_names)


@pytest.mark.usefixtures("counters")
async def test_a_transient_failure_is_retried_later_while_the_messages_behind_it_flow(
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    flaky_consumer: ConsumerQueue,
) -> None:
    failures_left = {"flaky": 2}
    attempts: list[str] = []
    done: list[str] = []
    broker = make_broker(rabbitmq_url)

    @event_subscriber(broker, flaky_consumer, sessions=sessions)
    async def handle(event: CloudEvent, session: AsyncSession) -> None:
        attempts.append(event.subject)
        if failures_left.get(event.subject, 0) > 0:
            failures_left[event.subject] -= 1
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database down"))
        await count(session, event.subject)
        done.append(event.subject)

    key = flaky_consumer.binding_keys[0]
    delay_queue = flaky_consumer.retry_queue(1.0).name
    async with serving_consumers(broker, [flaky_consumer]):
        started = asyncio.get_running_loop().time()
        await publish_event(rabbitmq_url, key, widget_event("flaky").to_json_bytes())
        for n in range(5):
            await publish_event(rabbitmq_url, key, widget_event(f"w-{n}").to_json_bytes())

        async def waiting_in_the_delay_queue() -> bool:
            return await message_count(rabbitmq_url, delay_queue) == 1

        await eventually(waiting_in_the_delay_queue)

        async def flaky_done() -> bool:
            return await counted(sessions, "flaky") == 1

        await eventually(flaky_done, within=15)
        took = asyncio.get_running_loop().time() - started

    # The five behind it were processed while it waited; it succeeded on its third attempt,
    # after two delays of a second.
    assert done == [f"w-{n}" for n in range(5)] + ["flaky"]
    assert attempts.count("flaky") == 3
    assert took >= 2.0
    assert await message_count(rabbitmq_url, flaky_consumer.dead_letter_queue.name) == 0


@pytest.mark.parametrize(
    "error", [MalformedSnapshot("not a widget snapshot"), PoisonMessage("never valid")]
)
async def test_bad_data_is_dead_lettered_at_once_with_its_error(
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    flaky_consumer: ConsumerQueue,
    error: Exception,
) -> None:
    attempts = 0
    broker = make_broker(rabbitmq_url)

    @event_subscriber(broker, flaky_consumer, sessions=sessions)
    async def reject(event: CloudEvent, session: AsyncSession) -> None:
        nonlocal attempts
        attempts += 1
        raise error

    event = widget_event("bad").to_json_bytes()
    async with serving_consumers(broker, [flaky_consumer]):
        await publish_event(rabbitmq_url, flaky_consumer.binding_keys[0], event)
        # Well before the first retry delay (1 s) would be over.
        [dead] = await collect_messages(
            rabbitmq_url, flaky_consumer.dead_letter_queue.name, 1, within=0.9
        )

    assert dead.body == event
    assert attempts == 1
    assert dead.headers[ATTEMPTS_HEADER] == 1
    assert dead.headers[DEAD_LETTER_REASON_HEADER] == "poison"
    assert dead.headers[CONSUMER_HEADER] == flaky_consumer.name
    assert dead.headers[LAST_ERROR_HEADER] == repr(error)


# A consumer process whose handler kills it (as a segfault or the OOM killer would) on the
# event with subject "crash", and processes the others.
CRASHING_CONSUMER = textwrap.dedent(
    """
    import asyncio, os, sys

    from catalog_chassis.messaging import (
        consumer_queue, make_broker, serve_consumers, subscribe_processing,
    )

    url, name, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    queue = consumer_queue(
        name, [f"test.{name}"], delivery_limit=limit, extra_arguments={"x-expires": 600000}
    )
    broker = make_broker(url)

    async def process(consumer, event):
        if event.subject == "crash":
            os._exit(70)
        print("processed", event.subject, flush=True)
        return True

    subscribe_processing(broker, queue, process)
    asyncio.run(serve_consumers(broker, [queue], asyncio.Event()))
    """
)
CRASHED = 70


async def test_a_message_that_kills_its_consumer_is_dead_lettered_after_the_delivery_limit(
    rabbitmq_url: str,
) -> None:
    limit = 2
    name = f"test.crash.{uuid.uuid4().hex[:12]}"
    # As the child process declares it (same arguments: a different one would be refused).
    consumer = consumer_queue(
        name, [f"test.{name}"], delivery_limit=limit, extra_arguments=THROWAWAY_QUEUE_ARGS
    )
    broker = make_broker(rabbitmq_url)
    await broker.connect()
    try:
        await declare_consumer_topology(broker, consumer)
    finally:
        await broker.stop()

    async def run_consumer_once() -> int | None:
        """The child's exit status; None if it was still consuming after a while (stopped)."""
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CRASHING_CONSUMER,
            rabbitmq_url,
            name,
            str(limit),
            stdout=asyncio.subprocess.DEVNULL,
            env=os.environ.copy(),
        )
        try:
            return await asyncio.wait_for(child.wait(), 20)
        except TimeoutError:
            child.terminate()
            await child.wait()
            return None

    try:
        await publish_event(
            rabbitmq_url, consumer.binding_keys[0], widget_event("crash").to_json_bytes()
        )
        exits = [await run_consumer_once() for _ in range(limit + 1)]
        # The message came back `limit` times; the next process never sees it again.
        assert exits == [CRASHED] * (limit + 1)
        [dead] = await collect_messages(rabbitmq_url, consumer.dead_letter_queue.name, 1)
        assert dead.headers["x-death"][0]["reason"] == "delivery_limit"  # type: ignore[index]
        assert CloudEvent.model_validate_json(dead.body).subject == "crash"
        assert await message_count(rabbitmq_url, consumer.queue.name) == 0
    finally:
        await delete_queues(rabbitmq_url, consumer.queue_names)
