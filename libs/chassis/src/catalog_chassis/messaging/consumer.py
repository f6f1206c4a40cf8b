"""Idempotent event consumers that ride out outages and dead-letter only what is bad.

A consumer handler runs inside one database transaction together with the insert of
``processed_events(consumer, event_id)``: either both commit or neither does, so an event
that is redelivered (at-least-once delivery) acts once.

When processing fails (:mod:`catalog_chassis.messaging.retry`):

- a body that is not a CloudEvent, or a permanent error (``PoisonMessage``, a
  ``MalformedSnapshot``...), is dead-lettered at once;
- any other error is transient: a copy of the message goes to the consumer's delay queue
  for the next delay of its retry schedule, with the attempt count and the error in its
  headers, and the original is acknowledged — the messages behind it are not held up. When
  the delay is over RabbitMQ routes the copy back to this consumer alone. Once the schedule
  is spent the message is dead-lettered with its last error.

The consumer publishes dead letters itself (to ``catalog.events.dlx`` with its name, adding
its headers) and always before acknowledging, with a publisher confirm: a crash in between
delivers the message again rather than losing it. If that publish fails, the message is
returned to the queue; the queue's delivery limit dead-letters one that keeps coming back
(as one whose handler crashes the process does).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from aio_pika.abc import AbstractIncomingMessage
from aiormq.abc import DeliveredMessage
from faststream import Context
from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy
from faststream.rabbit import RabbitBroker as Broker
from faststream.rabbit import RabbitExchange
from faststream.rabbit.broker.registrator import RabbitRegistrator
from faststream.rabbit.message import RabbitMessage as Message
from prometheus_client import Counter, Histogram
from pydantic import ValidationError
from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog_chassis.context import new_correlation_id, reset_correlation_id, set_correlation_id
from catalog_chassis.db import compiled_once, processed_events_table
from catalog_chassis.messaging.cloudevents import CloudEvent
from catalog_chassis.messaging.retry import (
    ATTEMPTS_HEADER,
    CONSUMER_HEADER,
    DEAD_LETTER_REASON_HEADER,
    PERMANENT_ERRORS,
    POISON,
    RETRIES_EXHAUSTED,
    PoisonMessage,
    failure_headers,
    is_permanent,
)
from catalog_chassis.messaging.topology import (
    DEAD_LETTER_EXCHANGE,
    EVENTS_EXCHANGE,
    ConsumerQueue,
)

logger = logging.getLogger(__name__)

EventHandler = Callable[[CloudEvent, AsyncSession], Awaitable[None]]

# Seconds to wait for RabbitMQ to confirm a retry copy or a dead letter.
PUBLISH_TIMEOUT = 10.0

EVENTS = Counter(
    "consumer_events_total",
    "Events a consumer took, by outcome (processed, duplicate, retried, dead_lettered).",
    ["consumer", "outcome"],
)
HANDLING_DURATION = Histogram(
    "consumer_event_duration_seconds",
    "Time to process one event, by consumer.",
    ["consumer"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


class NotTaken(Exception):
    """RabbitMQ did not take a retry copy or a dead letter (unroutable or refused)."""


# Built and compiled once: building or compiling it for every event was a measurable part of a
# consumer's CPU.
_CLAIM = compiled_once(
    insert(processed_events_table)
    .values(consumer=bindparam("consumer"), event_id=bindparam("event_id"))
    .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
    .returning(processed_events_table.c.event_id)
)


async def claim_event(session: AsyncSession, consumer: str, event_id: uuid.UUID) -> bool:
    """Record that ``consumer`` processes ``event_id`` in the session's transaction.

    False when it was already processed. A concurrent duplicate waits on the primary key
    until the first transaction ends, then sees the row, so two replicas never both act.
    """
    claimed = await session.execute(_CLAIM, {"consumer": consumer, "event_id": event_id})
    return claimed.first() is not None


def parse_cloud_event(body: bytes) -> CloudEvent:
    try:
        return CloudEvent.model_validate_json(body)
    except ValidationError as exc:
        raise PoisonMessage(f"not a CloudEvent: {exc.error_count()} error(s)") from exc


async def process_once(
    sessions: async_sessionmaker[AsyncSession],
    consumer: str,
    event: CloudEvent,
    handler: EventHandler,
) -> bool:
    """Run ``handler`` and the processed-event insert in one transaction; False if a duplicate."""
    async with sessions() as session, session.begin():
        if not await claim_event(session, consumer, event.id):
            return False
        await handler(event, session)
        return True


# Processes an event once for a consumer (``consumer``, ``event``); False if a duplicate.
Processing = Callable[[str, CloudEvent], Awaitable[bool]]


def sql_processing(sessions: async_sessionmaker[AsyncSession], handler: EventHandler) -> Processing:
    """``handler(event, session)`` and the processed-event row commit together in Postgres."""

    async def process(consumer: str, event: CloudEvent) -> bool:
        return await process_once(sessions, consumer, event, handler)

    return process


async def _raw_body(message: StreamMessage[Any]) -> bytes:
    # Decoding is ours to do: FastStream's JSON decoder would fail on a poison body before
    # the handler could dead-letter it.
    return message.body


# FastStream exports `Context` as a factory function; its class is what the factory makes.
_FastStreamContext: type[Any] = type(Context())


class _InlineContext(_FastStreamContext):  # type: ignore[misc]
    """FastStream's ``Context`` resolved on the event loop.

    FastDepends runs a synchronous ``use`` in the thread pool: with FastStream's own
    annotations every message paid two thread hops (message and broker), ~7 % of a
    consumer's time in a profile.
    """

    async def use(self, /, **kwargs: Any) -> dict[str, Any]:
        resolved: dict[str, Any] = super().use(**kwargs)
        return resolved


RabbitMessage = Annotated[Message, _InlineContext("message")]
RabbitBroker = Annotated[Broker, _InlineContext("broker")]


def event_subscriber(
    registrator: RabbitRegistrator,
    consumer: ConsumerQueue,
    *,
    sessions: async_sessionmaker[AsyncSession],
    permanent_errors: Sequence[type[BaseException]] = PERMANENT_ERRORS,
) -> Callable[[EventHandler], EventHandler]:
    """Register ``handler(event, session)`` as the idempotent consumer of ``consumer``'s queue.

    The handler must not commit: its changes commit with the processed-event row. Declare
    the topology with :func:`~catalog_chassis.messaging.topology.declare_consumer_topology`
    before starting the broker (:func:`~catalog_chassis.messaging.runner.run_consumers`
    does).
    """

    def decorate(handler: EventHandler) -> EventHandler:
        subscribe_processing(
            registrator,
            consumer,
            sql_processing(sessions, handler),
            name=getattr(handler, "__name__", None),
            doc=handler.__doc__,
            permanent_errors=permanent_errors,
        )
        return handler

    return decorate


def subscribe_processing(
    registrator: RabbitRegistrator,
    consumer: ConsumerQueue,
    process: Processing,
    *,
    name: str | None = None,
    doc: str | None = None,
    permanent_errors: Sequence[type[BaseException]] = PERMANENT_ERRORS,
) -> None:
    """Consume ``consumer``'s queue with ``process``, which must act once per event id (a
    store without Postgres brings its own). Transient failures are retried on the queue's
    schedule, bodies that are not CloudEvents and ``permanent_errors`` dead-lettered at once
    (see the module); the event's correlation id is set while it runs."""

    async def consume(body: bytes, message: RabbitMessage, broker: RabbitBroker) -> None:
        delivery: AbstractIncomingMessage = message.raw_message
        try:
            event = parse_cloud_event(body)
        except PoisonMessage as error:
            what = f"message {delivery.message_id}"
            await _dead_letter(broker, consumer, delivery, what, error, reason=POISON)
            return

        token = set_correlation_id(event.correlationid or new_correlation_id())
        try:
            try:
                with HANDLING_DURATION.labels(consumer.name).time():
                    processed = await process(consumer.name, event)
            except Exception as error:
                what = f"event {event.id}"
                await _failed(broker, consumer, delivery, what, error, permanent_errors)
                return
            if not processed:
                logger.info("%s skips already processed event %s", consumer.name, event.id)
            EVENTS.labels(consumer.name, "processed" if processed else "duplicate").inc()
        finally:
            reset_correlation_id(token)

    consume.__name__ = name or consume.__name__
    consume.__doc__ = doc
    registrator.subscriber(
        consumer.queue,
        EVENTS_EXCHANGE,
        # Acknowledged once processed, retried or dead-lettered; an error escaping (the
        # retry copy or dead letter could not be published) returns the message to the
        # queue, where the delivery limit bounds how often that happens.
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=_raw_body,
        no_reply=True,
    )(consume)


async def _failed(
    broker: RabbitBroker,
    consumer: ConsumerQueue,
    delivery: AbstractIncomingMessage,
    what: str,
    error: Exception,
    permanent_errors: Sequence[type[BaseException]],
) -> None:
    if is_permanent(error, permanent_errors):
        await _dead_letter(broker, consumer, delivery, what, error, reason=POISON)
        return
    headers = failure_headers(delivery.headers, error)
    failures = int(headers[ATTEMPTS_HEADER])
    delay = consumer.retry_schedule.delay_after(failures)
    if delay is None:
        await _dead_letter(broker, consumer, delivery, what, error, reason=RETRIES_EXHAUSTED)
        return
    retry_queue = consumer.retry_queue(delay)
    await _publish_copy(
        broker, delivery, exchange=None, routing_key=retry_queue.name, headers=headers
    )
    EVENTS.labels(consumer.name, "retried").inc()
    logger.warning(
        "%s failed on %s (attempt %d of %d), retrying in %gs: %r",
        consumer.name,
        what,
        failures,
        len(consumer.retry_schedule.delays) + 1,
        delay,
        error,
    )


async def _dead_letter(
    broker: RabbitBroker,
    consumer: ConsumerQueue,
    delivery: AbstractIncomingMessage,
    what: str,
    error: Exception,
    *,
    reason: str,
) -> None:
    headers = failure_headers(delivery.headers, error)
    headers[DEAD_LETTER_REASON_HEADER] = reason
    headers[CONSUMER_HEADER] = consumer.name
    await _publish_copy(
        broker, delivery, exchange=DEAD_LETTER_EXCHANGE, routing_key=consumer.name, headers=headers
    )
    EVENTS.labels(consumer.name, "dead_lettered").inc()
    logger.error(
        "%s dead-letters %s to %s (%s after %s attempt(s)): %r",
        consumer.name,
        what,
        consumer.dead_letter_queue.name,
        reason,
        headers[ATTEMPTS_HEADER],
        error,
    )


async def _publish_copy(
    broker: RabbitBroker,
    delivery: AbstractIncomingMessage,
    *,
    exchange: RabbitExchange | None,
    routing_key: str,
    headers: dict[str, Any],
) -> None:
    """Publish a persistent copy of ``delivery`` and wait for RabbitMQ to take it."""
    taken = await broker.publish(
        delivery.body,
        exchange=exchange,
        routing_key=routing_key,
        headers=headers,
        content_type=delivery.content_type,
        content_encoding=delivery.content_encoding,
        correlation_id=delivery.correlation_id,
        message_id=delivery.message_id,
        message_type=delivery.type,
        timestamp=delivery.timestamp,
        persist=True,
        mandatory=True,
        timeout=PUBLISH_TIMEOUT,
    )
    # An Ack once confirmed (a Nack raises); the message itself when RabbitMQ returned it
    # as unroutable.
    if isinstance(taken, DeliveredMessage):
        raise NotTaken(f"RabbitMQ did not take the copy for {routing_key!r}: {taken!r}")


@dataclass(frozen=True)
class EventSubscription:
    """A service's consumer: ``handler`` on ``queue``.

    Calling it registers the handler on a broker (with :func:`event_subscriber`) and
    returns the queue to serve; tests pass a queue of their own (with a short retry
    schedule).
    """

    queue: ConsumerQueue
    handler: EventHandler
    permanent_errors: tuple[type[BaseException], ...] = PERMANENT_ERRORS

    def __call__(
        self,
        registrator: RabbitRegistrator,
        sessions: async_sessionmaker[AsyncSession],
        *,
        queue: ConsumerQueue | None = None,
    ) -> ConsumerQueue:
        served = queue or self.queue
        event_subscriber(
            registrator, served, sessions=sessions, permanent_errors=self.permanent_errors
        )(self.handler)
        return served
