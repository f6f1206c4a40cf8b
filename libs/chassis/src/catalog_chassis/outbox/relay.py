"""The outbox relay: publishes committed outbox rows to ``catalog.events`` and marks them SENT.

Delivery is at-least-once: a row is marked SENT only after RabbitMQ confirmed the message,
in the transaction that holds the row's lock. Replicas share the table safely because rows
are claimed with ``FOR UPDATE SKIP LOCKED``. While the broker is down rows stay PENDING with
``attempts``, ``last_error`` and a backed-off ``available_at``; the robust AMQP connection
reconnects by itself, and the first success after an outage makes every backed-off row
available again so recovery does not wait for the longest backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from faststream.rabbit import RabbitBroker
from opentelemetry import context as otel_context
from opentelemetry import propagate
from prometheus_client import Counter, Gauge
from sqlalchemy import RowMapping, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog_chassis.db import (
    create_session_factory,
    database_engine,
    libpq_dsn,
    purge_expired_idempotency_keys,
    purge_processed_events,
    required_database_url,
)
from catalog_chassis.logging import configure_logging
from catalog_chassis.messaging.backoff import Backoff
from catalog_chassis.messaging.broker import make_broker
from catalog_chassis.messaging.cloudevents import CLOUDEVENTS_CONTENT_TYPE
from catalog_chassis.messaging.runner import run_until_stopped
from catalog_chassis.messaging.topology import EVENTS_EXCHANGE, declare_events_exchange
from catalog_chassis.outbox.listener import NotificationListener
from catalog_chassis.settings import ServiceSettings
from catalog_chassis.tracing import configure_tracing
from catalog_chassis.worker_endpoints import Heartbeat, serve_worker_endpoints

logger = logging.getLogger(__name__)

CORRELATION_ID_HEADER = "correlation_id"

_CLAIM = text(
    """
    SELECT id, event_id, event_type, routing_key, payload, headers, attempts
    FROM outbox
    WHERE status = 'PENDING' AND available_at <= now()
    ORDER BY created_at
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
    """
)
_MARK_SENT = text(
    """
    UPDATE outbox
    SET status = 'SENT', sent_at = now(), attempts = attempts + 1, last_error = NULL
    WHERE id = ANY(:ids)
    """
)
_MARK_FAILED = text(
    """
    UPDATE outbox
    SET attempts = attempts + 1, last_error = :error,
        available_at = now() + make_interval(secs => :delay)
    WHERE id = :id
    """
)
_RELEASE_BACKOFFS = text(
    """
    UPDATE outbox SET available_at = now()
    WHERE id IN (
        SELECT id FROM outbox
        WHERE status = 'PENDING' AND available_at > now()
        FOR UPDATE SKIP LOCKED
    )
    """
)
_BACKLOG = text(
    """
    SELECT count(*) AS pending,
           coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0) AS oldest_age,
           coalesce(max(attempts), 0) AS max_attempts
    FROM outbox
    WHERE status = 'PENDING'
    """
)
_PURGE_SENT = text(
    """
    DELETE FROM outbox
    WHERE status = 'SENT' AND sent_at < now() - make_interval(secs => :age)
    """
)


DEFAULT_PUBLISH_BACKOFF = Backoff(initial=0.5, factor=2.0, maximum=30.0, jitter=0.1)


PUBLISHED = Counter("outbox_events_published_total", "Outbox events confirmed by the broker.")
PUBLISH_FAILURES = Counter(
    "outbox_publish_failures_total", "Outbox events the broker did not take (retried later)."
)
PENDING = Gauge("outbox_pending_events", "Outbox events not yet published.")
OLDEST_PENDING_AGE = Gauge(
    "outbox_oldest_pending_age_seconds", "Age of the oldest outbox event not yet published."
)
MOST_ATTEMPTS = Gauge(
    "outbox_pending_max_attempts", "Most publish attempts of an outbox event still pending."
)
BACKLOG_INTERVAL = 15.0


@dataclass(frozen=True, slots=True)
class RelayOptions:
    batch_size: int = 100
    # Polling is the fallback when a notification is lost or LISTEN is down.
    poll_interval: float = 2.0
    # While events flow the relay polls on its own (and writers stop notifying, see the
    # listener): every `busy_poll_interval` until `busy_linger` after the last event, then
    # for `idle_grace` more, for writers that saw it busy and commit just after it stopped.
    busy_poll_interval: float = 0.005
    busy_linger: float = 0.25
    idle_grace: float = 0.05
    publish_timeout: float = 10.0
    backoff: Backoff = DEFAULT_PUBLISH_BACKOFF
    sent_retention: timedelta = timedelta(days=7)
    processed_events_retention: timedelta = timedelta(days=7)
    housekeeping_interval: float = 3600.0


@dataclass(frozen=True, slots=True)
class RelayRound:
    claimed: int = 0
    sent: int = 0
    failed: int = 0


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        broker: RabbitBroker,
        *,
        listen_dsn: str | None = None,
        options: RelayOptions = RelayOptions(),
    ) -> None:
        """``listen_dsn`` (plain postgresql:// DSN) enables LISTEN wake-ups; else it polls."""
        self._sessions = sessions
        self._broker = broker
        self._options = options
        self._wake = asyncio.Event()
        self._listener = (
            NotificationListener(listen_dsn, self._wake) if listen_dsn is not None else None
        )
        self._broker_connected = False
        self._broker_failing = False

    @property
    def listener(self) -> NotificationListener | None:
        return self._listener

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until ``stop`` is set; a round in progress finishes first."""
        listener_task = (
            asyncio.create_task(self._listener.run(stop), name="outbox-listener")
            if self._listener is not None
            else None
        )
        housekeeping_task = asyncio.create_task(self._housekeeping(stop), name="outbox-purge")
        backlog_task = asyncio.create_task(self._observe_backlog(stop), name="outbox-backlog")
        options = self._options
        clock = asyncio.get_running_loop().time
        poll_fast_until = 0.0
        try:
            while not stop.is_set():
                self._wake.clear()
                outcome = await self._round()
                now = clock()
                if outcome.claimed:
                    poll_fast_until = now + options.busy_linger
                    await self._mark_busy(True)
                elif now >= poll_fast_until and await self._mark_busy(False):
                    poll_fast_until = now + options.idle_grace
                if outcome.claimed and not outcome.failed:
                    continue  # more may have been committed meanwhile: look again at once
                fast = now < poll_fast_until
                await self._sleep(stop, options.busy_poll_interval if fast else None)
        finally:
            # No explicit unlock: the listener closes its connection, which releases the lock.
            for task in (listener_task, housekeeping_task, backlog_task):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    async def _round(self) -> RelayRound:
        try:
            await self._ensure_broker()
            return await self.relay_once()
        except (SQLAlchemyError, OSError) as exc:
            logger.warning("outbox relay round failed: %r", exc)
            return RelayRound(failed=1)

    async def _mark_busy(self, busy: bool) -> bool:
        """Mark this relay busy (writers stop notifying) or idle; True if that changed."""
        if self._listener is None or self._listener.marked_busy == busy:
            return False
        return await self._listener.mark_busy(busy) == busy

    async def _sleep(self, stop: asyncio.Event, seconds: float | None = None) -> None:
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        _, pending = await asyncio.wait(
            waiters,
            timeout=self._options.poll_interval if seconds is None else seconds,
            return_when="FIRST_COMPLETED",
        )
        for waiter in pending:
            waiter.cancel()

    async def _ensure_broker(self) -> None:
        # After the first connection, aio-pika's robust connection restores itself.
        if self._broker_connected:
            return
        try:
            await self._broker.connect()
            await declare_events_exchange(self._broker)
        except Exception as exc:
            logger.warning("RabbitMQ not reachable yet: %r", exc)
            with contextlib.suppress(Exception):
                await self._broker.stop()
            return
        self._broker_connected = True

    async def relay_once(self) -> RelayRound:
        """Claim one batch, publish it, record the outcome of each row.

        The batch's publishes are pipelined: sent in claim order on the confirming channel
        (which keeps their order) and confirmed together, instead of one round trip per
        event. Rows RabbitMQ confirmed become SENT in one statement; the others record
        their failure and back off.
        """
        async with self._sessions() as session, session.begin():
            rows = (
                (await session.execute(_CLAIM, {"limit": self._options.batch_size}))
                .mappings()
                .all()
            )
            outcomes = await asyncio.gather(
                *(self._publish(row) for row in rows), return_exceptions=True
            )
            confirmed = [
                row["id"] for row, outcome in zip(rows, outcomes, strict=True) if outcome is None
            ]
            if confirmed:
                await session.execute(_MARK_SENT, {"ids": confirmed})
            failures = [
                (row, outcome)
                for row, outcome in zip(rows, outcomes, strict=True)
                if isinstance(outcome, BaseException)
            ]
            for position, (row, error) in enumerate(failures):
                # One warning per round: an outage fails the whole batch alike.
                await self._record_failure(session, row, error, warn=position == 0)
            if len(failures) > 1:
                logger.warning("%d more events of this batch failed alike", len(failures) - 1)
        sent, failed = len(confirmed), len(failures)
        PUBLISHED.inc(sent)
        PUBLISH_FAILURES.inc(failed)
        if sent and self._broker_failing:
            self._broker_failing = False
            await self._release_backoffs()
        return RelayRound(claimed=len(rows), sent=sent, failed=failed)

    async def _record_failure(
        self, session: AsyncSession, row: RowMapping, exc: BaseException, *, warn: bool = True
    ) -> None:
        attempts = row["attempts"] + 1
        delay = self._options.backoff.delay(attempts)
        self._broker_failing = True
        logger.log(
            logging.WARNING if warn else logging.DEBUG,
            "publishing event %s failed (attempt %d), next try in %.1fs: %r",
            row["event_id"],
            attempts,
            delay,
            exc,
        )
        await session.execute(
            _MARK_FAILED, {"id": row["id"], "error": f"{exc!r}"[:2000], "delay": delay}
        )

    async def _release_backoffs(self) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(_RELEASE_BACKOFFS)
        logger.info("RabbitMQ is back: released backed-off outbox rows")

    async def _publish(self, row: RowMapping) -> None:
        payload: dict[str, Any] = row["payload"]
        stored_headers: dict[str, str] = dict(row["headers"] or {})
        correlation_id = payload.get("correlationid") or str(row["event_id"])
        headers: dict[str, Any] = {**stored_headers, CORRELATION_ID_HEADER: correlation_id}
        body = json.dumps(payload, separators=(",", ":")).encode()

        # Publish inside the trace of the request that wrote the row: the telemetry
        # middleware then starts the producer span as its child and injects that context.
        token = otel_context.attach(propagate.extract(stored_headers))
        try:
            async with asyncio.timeout(self._options.publish_timeout):
                await self._broker.publish(
                    body,
                    exchange=EVENTS_EXCHANGE,
                    routing_key=row["routing_key"],
                    persist=True,
                    mandatory=False,
                    content_type=CLOUDEVENTS_CONTENT_TYPE,
                    message_id=str(row["event_id"]),
                    message_type=row["event_type"],
                    correlation_id=correlation_id,
                    headers=headers,
                    timeout=self._options.publish_timeout,
                )
        finally:
            otel_context.detach(token)

    async def observe_backlog(self) -> None:
        """Set the backlog gauges from the pending rows (the partial index keeps it cheap)."""
        async with self._sessions() as session:
            row = (await session.execute(_BACKLOG)).mappings().one()
        PENDING.set(row["pending"])
        OLDEST_PENDING_AGE.set(float(row["oldest_age"]))
        MOST_ATTEMPTS.set(row["max_attempts"])

    async def _observe_backlog(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.observe_backlog()
            except (SQLAlchemyError, OSError) as exc:
                logger.warning("reading the outbox backlog failed: %r", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), BACKLOG_INTERVAL)

    async def _housekeeping(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                async with self._sessions() as session, session.begin():
                    age = self._options.sent_retention.total_seconds()
                    purged = await session.execute(_PURGE_SENT, {"age": age})
                    if count := getattr(purged, "rowcount", 0):
                        logger.info("purged %d sent outbox rows", count)
                    # The relay is the service's one long-running worker with the database
                    # at hand, so it also expires Idempotency-Key responses.
                    expired = await session.execute(purge_expired_idempotency_keys())
                    if count := getattr(expired, "rowcount", 0):
                        logger.info("purged %d expired idempotency keys", count)
                    # And the consumers' memory of processed events (same database).
                    retention = self._options.processed_events_retention
                    forgotten = await session.execute(purge_processed_events(retention))
                    if count := getattr(forgotten, "rowcount", 0):
                        logger.info("purged %d old processed-event records", count)
            except (SQLAlchemyError, OSError) as exc:
                logger.warning("outbox housekeeping failed: %r", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._options.housekeeping_interval)


async def run_relay(settings: ServiceSettings, *, options: RelayOptions = RelayOptions()) -> None:
    """The body of every service's ``entrypoints/relay.py``: relay until SIGTERM/SIGINT."""
    database_url = required_database_url(settings, role="relay")
    configure_logging(settings.service_name, settings.log_level)
    engine = database_engine(settings, role="relay")
    tracer_provider = configure_tracing(settings.service_name, engine=engine)
    broker = make_broker(settings.rabbitmq_url.get_secret_value(), app_id=settings.service_name)
    relay = OutboxRelay(
        create_session_factory(engine),
        broker,
        listen_dsn=libpq_dsn(database_url),
        options=options,
    )
    heartbeat = Heartbeat()
    endpoints = (
        serve_worker_endpoints(settings.metrics_address, settings.metrics_port, heartbeat)
        if settings.metrics_port
        else None
    )

    async def main(stop: asyncio.Event) -> None:
        await asyncio.gather(relay.run(stop), heartbeat.run(stop))

    logger.info("outbox relay of %s starting", settings.service_name)
    try:
        await run_until_stopped(main)
    finally:
        if endpoints is not None:
            endpoints.close()
        await broker.stop()
        await engine.dispose()
        tracer_provider.force_flush()
        logger.info("outbox relay of %s stopped", settings.service_name)
