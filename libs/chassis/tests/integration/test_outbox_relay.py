"""The outbox relay publishes what the unit of work wrote, once, and survives broker outages."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog_chassis.context import reset_correlation_id, set_correlation_id
from catalog_chassis.db import (
    OUTBOX_CHANNEL,
    OUTBOX_RELAY_ACTIVE_LOCK,
    libpq_dsn,
    outbox_table,
)
from catalog_chassis.messaging import Backoff, make_broker
from catalog_chassis.outbox import OutboxRelay, RelayOptions, SqlAlchemyUnitOfWork
from catalog_chassis.outbox.listener import NotificationListener
from catalog_chassis.outbox.relay import OLDEST_PENDING_AGE, PENDING
from catalog_testing import (
    collect_messages,
    drain,
    durable_probe_queue,
    eventually,
    next_message,
    probe_queue,
    rabbitmq_app_stopped,
    running_in_background,
)

pytestmark = pytest.mark.integration

FAST = RelayOptions(
    poll_interval=0.2,
    publish_timeout=2.0,
    backoff=Backoff(initial=0.2, factor=2.0, maximum=1.0),
)


async def outbox_rows(sessions: async_sessionmaker[AsyncSession]) -> list[Any]:
    async with sessions() as session:
        result = await session.execute(select(outbox_table).order_by(outbox_table.c.created_at))
        return list(result.mappings().all())


async def write_widgets(
    sessions: async_sessionmaker[AsyncSession], new_widget: Callable[[str], Any], count: int
) -> None:
    async with SqlAlchemyUnitOfWork(sessions, service="widgets") as uow:
        for number in range(count):
            uow.track(new_widget(f"widget {number}"))
        await uow.commit()


@asynccontextmanager
async def running_relay(
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    rabbitmq_url: str,
    options: RelayOptions = FAST,
) -> AsyncIterator[OutboxRelay]:
    broker = make_broker(rabbitmq_url, app_id="widgets")
    relay = OutboxRelay(sessions, broker, listen_dsn=libpq_dsn(database_url), options=options)
    try:
        async with running_in_background(relay.run):
            yield relay
    finally:
        await broker.stop()


async def test_a_committed_event_is_published_as_a_cloudevent_and_marked_sent(
    chassis_database_url: str,
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    new_widget: Callable[[str], Any],
) -> None:
    # Polling every 30 s: delivery within seconds proves the LISTEN/NOTIFY wake-up.
    options = RelayOptions(poll_interval=30.0, publish_timeout=2.0)
    request_span = SpanContext(
        trace_id=0x0AF7651916CD43DD8448EB211C80319C,
        span_id=0xB7AD6B7169203331,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )
    async with (
        probe_queue(rabbitmq_url, ["widget.created"]) as queue,
        running_relay(sessions, chassis_database_url, rabbitmq_url, options) as relay,
    ):
        assert relay.listener is not None
        await asyncio.wait_for(relay.listener.listening.wait(), 5)
        await asyncio.sleep(0.3)  # let the relay's first (empty) round pass
        token = set_correlation_id("corr-outbox-1")
        try:
            with trace.use_span(NonRecordingSpan(request_span)):
                async with SqlAlchemyUnitOfWork(sessions, service="widgets") as uow:
                    widget = uow.track(new_widget("gear"))
                    await uow.commit()
        finally:
            reset_correlation_id(token)

        message = await next_message(queue, within=3.0)

        async def marked_sent() -> bool:
            return [r["status"] for r in await outbox_rows(sessions)] == ["SENT"]

        await eventually(marked_sent)

    event = json.loads(message.body)
    assert event["specversion"] == "1.0"
    assert event["type"] == "WidgetCreated"
    assert event["source"] == "/catalog/widgets"
    assert event["subject"] == widget.id
    assert event["datacontenttype"] == "application/json"
    assert event["data"] == {"id": widget.id, "name": "gear", "version": 1}
    assert event["correlationid"] == "corr-outbox-1"
    assert uuid.UUID(event["id"])
    assert event["time"].endswith("Z") or "+00:00" in event["time"]
    assert message.content_type == "application/cloudevents+json"
    assert message.routing_key == "widget.created"
    assert message.delivery_mode == 2  # persistent
    assert message.message_id == event["id"]
    assert message.headers["correlation_id"] == "corr-outbox-1"
    traceparent = str(message.headers["traceparent"])
    assert traceparent.split("-")[1] == "0af7651916cd43dd8448eb211c80319c"

    [row] = await outbox_rows(sessions)
    assert str(row["event_id"]) == event["id"]
    assert row["attempts"] == 1
    assert row["sent_at"] is not None
    assert row["last_error"] is None


async def test_events_written_while_the_broker_is_down_are_delivered_once_it_returns(
    chassis_database_url: str,
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    new_widget: Callable[[str], Any],
) -> None:
    async with (
        durable_probe_queue(rabbitmq_url, ["widget.created"]) as probe,
        running_relay(sessions, chassis_database_url, rabbitmq_url),
    ):
        await write_widgets(sessions, new_widget, 1)  # proves the relay is connected
        await collect_messages(rabbitmq_url, probe, 1)

        async def all_sent() -> bool:
            return all(r["status"] == "SENT" for r in await outbox_rows(sessions))

        # Stopping RabbitMQ between its confirm and the relay's commit would (rightly)
        # publish that row again and blur what this test counts.
        await eventually(all_sent)

        with rabbitmq_app_stopped():
            await write_widgets(sessions, new_widget, 3)

            async def every_row_failed_at_least_once() -> bool:
                pending = [r for r in await outbox_rows(sessions) if r["status"] == "PENDING"]
                return len(pending) == 3 and all(
                    r["attempts"] >= 1 and r["last_error"] for r in pending
                )

            await eventually(every_row_failed_at_least_once, within=20)

        await eventually(all_sent, within=30)
        delivered = await collect_messages(rabbitmq_url, probe, 3, within=10)

    rows = await outbox_rows(sessions)
    assert {json.loads(m.body)["id"] for m in delivered} == {str(r["event_id"]) for r in rows[1:]}
    assert all(r["attempts"] >= 2 for r in rows[1:])


async def test_two_relays_share_the_outbox_without_publishing_a_row_twice(
    chassis_database_url: str,
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    new_widget: Callable[[str], Any],
) -> None:
    options = RelayOptions(batch_size=5, poll_interval=0.2, publish_timeout=2.0)
    async with probe_queue(rabbitmq_url, ["widget.created"]) as queue:
        for _ in range(10):
            await write_widgets(sessions, new_widget, 6)
        async with (
            running_relay(sessions, chassis_database_url, rabbitmq_url, options),
            running_relay(sessions, chassis_database_url, rabbitmq_url, options),
        ):

            async def all_sent() -> bool:
                return all(r["status"] == "SENT" for r in await outbox_rows(sessions))

            await eventually(all_sent, within=20)
            messages = await drain(queue)

    ids = [json.loads(m.body)["id"] for m in messages]
    rows = await outbox_rows(sessions)
    assert len(rows) == 60
    assert len(ids) == 60
    assert set(ids) == {str(r["event_id"]) for r in rows}
    assert all(r["attempts"] == 1 for r in rows)


async def test_one_relay_publishes_a_pipelined_batch_in_commit_order(
    chassis_database_url: str,
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    new_widget: Callable[[str], Any],
) -> None:
    options = RelayOptions(batch_size=100, poll_interval=0.2)
    async with probe_queue(rabbitmq_url, ["widget.created"]) as queue:
        for _ in range(5):
            await write_widgets(sessions, new_widget, 40)
        async with running_relay(sessions, chassis_database_url, rabbitmq_url, options):

            async def all_sent() -> bool:
                return all(r["status"] == "SENT" for r in await outbox_rows(sessions))

            await eventually(all_sent, within=20)
            messages = await drain(queue)

    rows = await outbox_rows(sessions)  # ordered by created_at: the commit order
    assert [json.loads(m.body)["id"] for m in messages] == [str(r["event_id"]) for r in rows]
    assert len(messages) == 200


async def test_housekeeping_purges_old_sent_rows_expired_keys_and_old_processed_events(
    chassis_database_url: str,
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    new_widget: Callable[[str], Any],
) -> None:
    await write_widgets(sessions, new_widget, 2)
    async with sessions() as session, session.begin():
        await session.execute(
            text(
                "INSERT INTO idempotency_keys (key, scope, fingerprint, expires_at) VALUES "
                "('old', 'POST /x', 'f', now() - interval '1 minute'), "
                "('live', 'POST /x', 'f', now() + interval '1 day')"
            )
        )
        await session.execute(
            text(
                "INSERT INTO processed_events (consumer, event_id, processed_at) VALUES "
                "('housekeeping.test', gen_random_uuid(), now() - interval '8 days'), "
                "('housekeeping.test', gen_random_uuid(), now())"
            )
        )
    options = RelayOptions(
        poll_interval=0.2,
        sent_retention=timedelta(seconds=0),
        processed_events_retention=timedelta(days=7),
        housekeeping_interval=0.2,
    )
    async with running_relay(sessions, chassis_database_url, rabbitmq_url, options):

        async def cleaned() -> bool:
            async with sessions() as session:
                outbox = (await session.execute(text("SELECT count(*) FROM outbox"))).scalar()
                keys = (await session.execute(text("SELECT key FROM idempotency_keys"))).all()
                processed = (
                    await session.execute(
                        text(
                            "SELECT count(*) FROM processed_events "
                            "WHERE consumer = 'housekeeping.test'"
                        )
                    )
                ).scalar()
            return outbox == 0 and [k for (k,) in keys] == ["live"] and processed == 1

        await eventually(cleaned, within=15)


RELAY_PROCESS = """
import asyncio
from catalog_chassis.outbox import run_relay
from catalog_chassis.settings import ServiceSettings
asyncio.run(run_relay(ServiceSettings()))
"""


async def test_the_relay_process_publishes_and_stops_cleanly_on_sigterm(
    chassis_database_url: str,
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    new_widget: Callable[[str], Any],
) -> None:
    await write_widgets(sessions, new_widget, 2)
    env = {
        **os.environ,
        "SERVICE_NAME": "widgets",
        "ENVIRONMENT": "development",
        "DATABASE_URL": chassis_database_url,
        "RABBITMQ_URL": rabbitmq_url,
        "OTEL_TRACES_EXPORTER": "none",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        RELAY_PROCESS,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:

        async def all_sent() -> bool:
            rows = await outbox_rows(sessions)
            return all(r["status"] == "SENT" for r in rows)

        await eventually(all_sent, within=15)
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert process.returncode == 0, output.decode()
    assert b"outbox relay of widgets stopped" in output


async def test_the_backlog_gauges_show_pending_events_and_their_age(
    chassis_database_url: str,
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    new_widget: Callable[[str], Any],
) -> None:
    idle = OutboxRelay(sessions, make_broker(rabbitmq_url, app_id="widgets"), options=FAST)
    await write_widgets(sessions, new_widget, 3)
    await asyncio.sleep(0.05)  # let the oldest row age measurably

    await idle.observe_backlog()

    assert PENDING._value.get() >= 3  # type: ignore[attr-defined]
    assert OLDEST_PENDING_AGE._value.get() > 0  # type: ignore[attr-defined]
    async with running_relay(sessions, chassis_database_url, rabbitmq_url):

        async def drained() -> bool:
            await idle.observe_backlog()
            return PENDING._value.get() == 0  # type: ignore[attr-defined]

        await eventually(drained, within=20)
    assert OLDEST_PENDING_AGE._value.get() == 0  # type: ignore[attr-defined]


@asynccontextmanager
async def notifications(database_url: str) -> AsyncIterator[list[str]]:
    """Every outbox notification on the database while inside, as a list that grows."""
    received: list[str] = []
    connection = await asyncpg.connect(libpq_dsn(database_url))
    try:
        await connection.add_listener(OUTBOX_CHANNEL, lambda *args: received.append(args[3]))
        yield received
    finally:
        await connection.close()


async def test_writers_notify_only_while_no_relay_is_busy(
    chassis_database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    new_widget: Callable[[str], Any],
) -> None:
    listener = NotificationListener(libpq_dsn(chassis_database_url), asyncio.Event())
    async with (
        notifications(chassis_database_url) as received,
        running_in_background(listener.run),
    ):
        await asyncio.wait_for(listener.listening.wait(), 5)
        assert await listener.mark_busy(True) is True

        await write_widgets(sessions, new_widget, 1)  # the relay is busy: no notification
        assert await listener.mark_busy(False) is False
        await write_widgets(sessions, new_widget, 1)  # idle again: notified

        async def notified() -> bool:
            return len(received) >= 1

        await eventually(notified)
        # Notifications arrive in commit order: had the first write notified, it would be here.
        assert received == ["outbox"]

        # The mark dies with the relay's connection: writers notify again at once.
        assert await listener.mark_busy(True) is True
        async with sessions() as session:
            await session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks"
                    " WHERE locktype = 'advisory' AND objid = :low AND mode = 'ExclusiveLock'"
                ),
                {"low": OUTBOX_RELAY_ACTIVE_LOCK & 0xFFFFFFFF},
            )

        async def mark_gone() -> bool:
            return not listener.marked_busy

        await eventually(mark_gone)
        await write_widgets(sessions, new_widget, 1)

        async def notified_again() -> bool:
            return len(received) == 2

        await eventually(notified_again)


async def holds(relay: OutboxRelay, busy: bool) -> bool:
    assert relay.listener is not None
    return relay.listener.marked_busy is busy


async def test_a_busy_relay_delivers_a_stream_of_writes_that_stopped_notifying(
    chassis_database_url: str,
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    new_widget: Callable[[str], Any],
) -> None:
    # No timed polling within the test: only the wake-up and the busy relay's own polls.
    options = RelayOptions(poll_interval=60.0, publish_timeout=2.0)
    async with (
        probe_queue(rabbitmq_url, ["widget.created"]) as queue,
        notifications(chassis_database_url) as received,
        running_relay(sessions, chassis_database_url, rabbitmq_url, options) as relay,
    ):
        assert relay.listener is not None
        await asyncio.wait_for(relay.listener.listening.wait(), 5)
        await write_widgets(sessions, new_widget, 1)
        await next_message(queue, within=3.0)  # woken by the notification
        await eventually(lambda: holds(relay, True), within=3)

        for _ in range(30):  # a stream of writes, one transaction each
            await write_widgets(sessions, new_widget, 1)
            await asyncio.sleep(0.002)
        stream = [await next_message(queue, within=5.0) for _ in range(30)]

        # Once the stream stops the relay goes idle, and one more write wakes it again.
        await eventually(lambda: holds(relay, False), within=3)
        notified_during_stream = len(received)
        await write_widgets(sessions, new_widget, 1)
        last = await next_message(queue, within=3.0)

    assert len(stream) == 30
    assert json.loads(last.body)["type"] == "WidgetCreated"
    # The first write woke the relay; the stream's writes found it busy and did not notify.
    assert notified_during_stream <= 2, received
    assert len(received) == notified_during_stream + 1


async def test_a_relay_stopped_while_busy_stops_cleanly_and_frees_the_writers(
    chassis_database_url: str,
    rabbitmq_url: str,
    sessions: async_sessionmaker[AsyncSession],
    new_widget: Callable[[str], Any],
) -> None:
    options = RelayOptions(poll_interval=60.0, busy_linger=30.0, publish_timeout=2.0)
    async with (
        probe_queue(rabbitmq_url, ["widget.created"]) as queue,
        running_relay(sessions, chassis_database_url, rabbitmq_url, options) as relay,
    ):
        assert relay.listener is not None
        await asyncio.wait_for(relay.listener.listening.wait(), 5)
        await write_widgets(sessions, new_widget, 1)
        await next_message(queue, within=3.0)
        await eventually(lambda: holds(relay, True), within=3)
    # Left while busy (running_relay awaited the relay's end: no error escaped it).

    async with notifications(chassis_database_url) as received:
        await write_widgets(sessions, new_widget, 1)

        async def notified() -> bool:
            return received == ["outbox"]

        await eventually(notified)  # the lock went with the relay's connection
