"""Event consumers act once per event and dead-letter what they can never process.

(Retries through delay queues, the delivery limit, re-driving and migrating: see
test_messaging_retries.py and the other test_messaging_* modules.)"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
import pytest
from faststream.rabbit import RabbitBroker, TestRabbitBroker
from opentelemetry import trace
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalog_chassis.context import get_correlation_id
from catalog_chassis.logging import ServiceJsonFormatter
from catalog_chassis.messaging import (
    DEAD_LETTER_EXCHANGE,
    EVENTS_EXCHANGE,
    CloudEvent,
    ConsumerQueue,
    EventSubscription,
    consumer_queue,
    event_subscriber,
    make_broker,
    serve_consumers,
)
from catalog_chassis.messaging.retry import ATTEMPTS_HEADER, LAST_ERROR_HEADER
from catalog_testing import (
    TEST_RETRY_SCHEDULE,
    THROWAWAY_QUEUE_ARGS,
    collect_messages,
    delete_queues,
    eventually,
    publish_event,
    rabbitmq_app_stopped,
    running_in_background,
)

pytestmark = pytest.mark.integration

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture
async def consumer(rabbitmq_url: str) -> AsyncIterator[ConsumerQueue]:
    queue = consumer_queue(
        f"test.consumer.{uuid.uuid4().hex[:12]}",
        ["widget.*", "gadget.made"],
        retry=TEST_RETRY_SCHEDULE,
        extra_arguments=THROWAWAY_QUEUE_ARGS,
    )
    yield queue
    await delete_queues(rabbitmq_url, queue.queue_names)


@pytest.fixture
async def counters(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE counters (name text PRIMARY KEY, value int)"))


async def counter(sessions: async_sessionmaker[AsyncSession], name: str) -> int:
    async with sessions() as session:
        found = await session.execute(
            text("SELECT value FROM counters WHERE name = :name"), {"name": name}
        )
        return int(found.scalar_one_or_none() or 0)


async def processed_count(sessions: async_sessionmaker[AsyncSession], consumer: str) -> int:
    async with sessions() as session:
        found = await session.execute(
            text("SELECT count(*) FROM processed_events WHERE consumer = :c"), {"c": consumer}
        )
        return int(found.scalar_one())


def widget_event(subject: str, correlation_id: str = "corr-consumer") -> CloudEvent:
    return CloudEvent(
        id=uuid.uuid4(),
        source="/catalog/widgets",
        type="WidgetCreated",
        time=datetime.now(UTC),
        subject=subject,
        data={"id": subject, "version": 1},
        correlationid=correlation_id,
    )


@asynccontextmanager
async def serving(broker: RabbitBroker, consumer: ConsumerQueue) -> AsyncIterator[None]:
    """Consume in the background; entered once the queue is declared, bound and consumed."""
    async with running_in_background(lambda stop: serve_consumers(broker, [consumer], stop)):

        async def started() -> bool:
            return broker.running

        await eventually(started)
        yield


@pytest.mark.usefixtures("counters")
async def test_an_event_delivered_twice_is_acted_on_once(
    rabbitmq_url: str, sessions: async_sessionmaker[AsyncSession], consumer: ConsumerQueue
) -> None:
    seen: list[tuple[str | None, str]] = []
    broker = make_broker(rabbitmq_url)

    @event_subscriber(broker, consumer, sessions=sessions)
    async def count_widgets(event: CloudEvent, session: AsyncSession) -> None:
        trace_id = format(trace.get_current_span().get_span_context().trace_id, "032x")
        seen.append((get_correlation_id(), trace_id))
        await session.execute(
            text(
                "INSERT INTO counters (name, value) VALUES (:name, 1) "
                "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1"
            ),
            {"name": event.subject},
        )

    duplicated = widget_event("w-1", correlation_id="corr-first").to_json_bytes()
    async with serving(broker, consumer):
        await publish_event(
            rabbitmq_url, "widget.created", duplicated, headers={"traceparent": TRACEPARENT}
        )
        await publish_event(rabbitmq_url, "widget.created", duplicated)
        # Via the second binding key; consumed after the duplicate (one queue, in order).
        await publish_event(rabbitmq_url, "gadget.made", widget_event("w-2").to_json_bytes())

        async def second_event_counted() -> bool:
            return await counter(sessions, "w-2") == 1

        await eventually(second_event_counted)

    assert await counter(sessions, "w-1") == 1
    assert await processed_count(sessions, consumer.name) == 2
    # The handler ran with the event's correlation id and inside the publisher's trace.
    assert seen[0] == ("corr-first", TRACE_ID), seen
    assert get_correlation_id() is None


async def test_the_per_message_log_lines_are_the_platforms_json_with_queue_and_message_id(
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    consumer: ConsumerQueue,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broker = make_broker(rabbitmq_url)
    handled: list[str | None] = []

    @event_subscriber(broker, consumer, sessions=sessions)
    async def note(event: CloudEvent, session: AsyncSession) -> None:
        handled.append(event.subject)

    event = widget_event("w-logged", correlation_id="corr-logged")
    caplog.set_level(logging.INFO, logger="catalog.messaging")
    async with serving(broker, consumer):
        await publish_event(rabbitmq_url, "widget.created", event.to_json_bytes())

        async def processed() -> bool:
            return any(r.getMessage() == "Processed" for r in caplog.records)

        await eventually(processed)

    lines = [
        json.loads(ServiceJsonFormatter("widgets").format(record))
        for record in caplog.records
        if record.name == "catalog.messaging" and record.getMessage() in ("Received", "Processed")
    ]
    assert handled == ["w-logged"]
    assert [line["message"] for line in lines] == ["Received", "Processed"]
    for line in lines:
        assert line["logger"] == "catalog.messaging" and line["service"] == "widgets"
        assert line["queue"] == consumer.queue.name
        assert line["message_id"]


async def test_a_message_that_is_not_a_cloudevent_lands_in_the_dead_letter_queue(
    rabbitmq_url: str, sessions: async_sessionmaker[AsyncSession], consumer: ConsumerQueue
) -> None:
    calls = 0
    broker = make_broker(rabbitmq_url)

    @event_subscriber(broker, consumer, sessions=sessions)
    async def never_called(event: CloudEvent, session: AsyncSession) -> None:
        nonlocal calls
        calls += 1

    async with serving(broker, consumer):
        await publish_event(rabbitmq_url, "widget.created", b"{not json")
        await publish_event(rabbitmq_url, "widget.created", b'{"specversion": "1.0"}')
        dead = await collect_messages(rabbitmq_url, consumer.dead_letter_queue.name, 2)

    assert [m.body for m in dead] == [b"{not json", b'{"specversion": "1.0"}']
    assert dead[0].headers["catalog-dead-letter-reason"] == "poison"
    assert "not a CloudEvent" in str(dead[0].headers[LAST_ERROR_HEADER])
    assert calls == 0


async def test_an_event_whose_handler_keeps_failing_is_dead_lettered_after_the_last_attempt(
    rabbitmq_url: str, sessions: async_sessionmaker[AsyncSession], consumer: ConsumerQueue
) -> None:
    attempts = 0
    broker = make_broker(rabbitmq_url)

    @event_subscriber(broker, consumer, sessions=sessions)
    async def always_fails(event: CloudEvent, session: AsyncSession) -> None:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("downstream is broken")

    event = widget_event("w-poison").to_json_bytes()
    async with serving(broker, consumer):
        await publish_event(rabbitmq_url, "widget.created", event)
        [dead] = await collect_messages(rabbitmq_url, consumer.dead_letter_queue.name, 1)

    assert dead.body == event
    # The first attempt and one retry per delay of the schedule (two).
    assert attempts == 3
    assert dead.headers[ATTEMPTS_HEADER] == 3
    assert dead.headers["catalog-dead-letter-reason"] == "retries exhausted"
    assert dead.headers[LAST_ERROR_HEADER] == "RuntimeError('downstream is broken')"
    # A failed attempt rolls back its processed-event row too, so a replay would act.
    assert await processed_count(sessions, consumer.name) == 0


async def test_the_consumer_runs_in_memory_under_testrabbitbroker(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    handled: list[str] = []
    broker = make_broker("amqp://guest:guest@127.0.0.1:5672/")  # never connected
    in_memory = consumer_queue("test.in-memory", ["widget.*"])

    dead_letters: list[bytes] = []

    @event_subscriber(broker, in_memory, sessions=sessions)
    async def record(event: CloudEvent, session: AsyncSession) -> None:
        handled.append(event.subject)

    # In memory, dead letters reach whatever subscribes to the consumer's DLQ.
    @broker.subscriber(in_memory.dead_letter_queue, DEAD_LETTER_EXCHANGE)
    async def dead_letter(body: bytes) -> None:
        dead_letters.append(body)

    event = widget_event("w-memory").to_json_bytes()
    async with TestRabbitBroker(broker) as test_broker:
        for body in (event, event, b"garbage"):
            await test_broker.publish(body, exchange=EVENTS_EXCHANGE, routing_key="widget.created")

    assert handled == ["w-memory"]
    assert dead_letters == [b"garbage"]


@pytest.mark.parametrize("overridden", [False, True])
async def test_an_event_subscription_registers_its_handler_on_the_queue_it_returns(
    sessions: async_sessionmaker[AsyncSession], overridden: bool
) -> None:
    handled: list[str] = []

    async def record(event: CloudEvent, session: AsyncSession) -> None:
        handled.append(event.subject)

    default = consumer_queue("test.subscription.default", ["widget.*"])
    own = consumer_queue("test.subscription.own", ["gadget.*"])
    subscribe = EventSubscription(default, record)
    broker = make_broker("amqp://guest:guest@127.0.0.1:5672/")  # never connected

    served = subscribe(broker, sessions, queue=own) if overridden else subscribe(broker, sessions)

    assert served is (own if overridden else default)
    event = widget_event("w-subscribed").to_json_bytes()
    async with TestRabbitBroker(broker) as test_broker:
        await test_broker.publish(
            event, exchange=EVENTS_EXCHANGE, routing_key=served.binding_keys[0]
        )
    assert handled == ["w-subscribed"]


@pytest.mark.usefixtures("counters")
async def test_a_consumer_started_while_the_broker_is_down_waits_and_then_consumes(
    rabbitmq_url: str, sessions: async_sessionmaker[AsyncSession], consumer: ConsumerQueue
) -> None:
    """A consumer process must wait for RabbitMQ, not crash, when it starts first."""
    broker = make_broker(rabbitmq_url)

    @event_subscriber(broker, consumer, sessions=sessions)
    async def count_widgets(event: CloudEvent, session: AsyncSession) -> None:
        await session.execute(
            text("INSERT INTO counters (name, value) VALUES (:name, 1)"), {"name": event.subject}
        )

    async with running_in_background(
        lambda stop: serve_consumers(broker, [consumer], stop)
    ) as task:
        with rabbitmq_app_stopped():
            await asyncio.sleep(2)
            assert not task.done(), "the consumer gave up while the broker was down"

        async def started() -> bool:
            return broker.running

        await eventually(started, within=30)
        await publish_event(rabbitmq_url, "widget.created", widget_event("late").to_json_bytes())

        async def counted() -> bool:
            return await counter(sessions, "late") == 1

        await eventually(counted)


async def test_a_message_is_consumed_without_a_thread_pool_hop(
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    consumer: ConsumerQueue,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # FastDepends runs synchronous dependencies (FastStream's Context) in the thread pool.
    hops: list[object] = []
    run_sync = anyio.to_thread.run_sync

    async def counting_run_sync(func: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(func)
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting_run_sync)
    handled: list[str] = []
    broker = make_broker(rabbitmq_url)

    @event_subscriber(broker, consumer, sessions=sessions)
    async def note(event: CloudEvent, session: AsyncSession) -> None:
        handled.append(event.subject)

    async with serving(broker, consumer):
        await publish_event(rabbitmq_url, "widget.created", widget_event("w-9").to_json_bytes())

        async def handled_it() -> bool:
            return handled == ["w-9"] and await processed_count(sessions, consumer.name) == 1

        await eventually(handled_it)

    assert hops == []
