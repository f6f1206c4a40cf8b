"""Idempotent, dead-lettering event consumers.

A consumer handler runs inside one database transaction together with the insert of
``processed_events(consumer, event_id)``: either both commit or neither does, so an event
that is redelivered (at-least-once delivery) acts once. Messages that can never succeed are
rejected without requeue and land in the consumer's DLQ: bodies that are not a CloudEvent at
once, handler failures after ``max_attempts`` tries with backoff in between.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from faststream.exceptions import RejectMessage
from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy
from faststream.rabbit.annotations import RabbitMessage
from faststream.rabbit.broker.registrator import RabbitRegistrator
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog_chassis.context import new_correlation_id, reset_correlation_id, set_correlation_id
from catalog_chassis.db import processed_events_table
from catalog_chassis.messaging.backoff import Backoff
from catalog_chassis.messaging.cloudevents import CloudEvent
from catalog_chassis.messaging.topology import EVENTS_EXCHANGE, ConsumerQueue

logger = logging.getLogger(__name__)

EventHandler = Callable[[CloudEvent, AsyncSession], Awaitable[None]]

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_RETRY_BACKOFF = Backoff(initial=0.2, factor=2.0, maximum=5.0, jitter=0.2)


class PoisonMessage(Exception):
    """The message can never be processed: retrying is pointless."""


async def claim_event(session: AsyncSession, consumer: str, event_id: uuid.UUID) -> bool:
    """Record that ``consumer`` processes ``event_id`` in the session's transaction.

    False when it was already processed. A concurrent duplicate waits on the primary key
    until the first transaction ends, then sees the row, so two replicas never both act.
    """
    claimed = await session.execute(
        insert(processed_events_table)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
        .returning(processed_events_table.c.event_id)
    )
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


async def process_with_retries(
    process: Processing,
    consumer: str,
    event: CloudEvent,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    backoff: Backoff = DEFAULT_RETRY_BACKOFF,
) -> bool:
    """Retry transient failures in-process; raise :class:`PoisonMessage` once exhausted.

    Retrying here rather than requeueing keeps the attempt count (classic queues carry no
    delivery count) and spaces the attempts out instead of spinning on the broker. A
    handler that raises PoisonMessage itself (bad data) is dead-lettered at once.
    """
    for attempt in range(1, max_attempts + 1):
        try:
            return await process(consumer, event)
        except PoisonMessage:
            raise
        except Exception as exc:
            if attempt == max_attempts:
                raise PoisonMessage(
                    f"{consumer} failed {max_attempts} times on event {event.id}: {exc!r}"
                ) from exc
            delay = backoff.delay(attempt)
            logger.warning(
                "%s failed on event %s (attempt %d/%d), retrying in %.2fs: %r",
                consumer,
                event.id,
                attempt,
                max_attempts,
                delay,
                exc,
            )
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


async def _raw_body(message: StreamMessage[Any]) -> bytes:
    # Decoding is ours to do: FastStream's JSON decoder would fail on a poison body before
    # the handler could reject it.
    return message.body


def event_subscriber(
    registrator: RabbitRegistrator,
    consumer: ConsumerQueue,
    *,
    sessions: async_sessionmaker[AsyncSession],
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    backoff: Backoff = DEFAULT_RETRY_BACKOFF,
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
            max_attempts=max_attempts,
            backoff=backoff,
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
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    backoff: Backoff = DEFAULT_RETRY_BACKOFF,
) -> None:
    """Consume ``consumer``'s queue with ``process``, which must act once per event id (a
    store without Postgres brings its own): bodies that are not CloudEvents and events that
    keep failing are dead-lettered; the event's correlation id is set while it runs."""

    async def consume(body: bytes, message: RabbitMessage) -> None:
        try:
            event = parse_cloud_event(body)
        except PoisonMessage as exc:
            logger.error("%s dead-letters message %s: %s", consumer.name, message.message_id, exc)
            raise RejectMessage(requeue=False) from exc

        token = set_correlation_id(event.correlationid or new_correlation_id())
        try:
            processed = await process_with_retries(
                process, consumer.name, event, max_attempts=max_attempts, backoff=backoff
            )
            if not processed:
                logger.info("%s skips already processed event %s", consumer.name, event.id)
        except PoisonMessage as exc:
            logger.error("%s dead-letters event %s: %s", consumer.name, event.id, exc)
            raise RejectMessage(requeue=False) from exc
        finally:
            reset_correlation_id(token)

    consume.__name__ = name or consume.__name__
    consume.__doc__ = doc
    registrator.subscriber(
        consumer.queue,
        EVENTS_EXCHANGE,
        # Unexpected errors (e.g. a bug before the handler runs) dead-letter too,
        # rather than being requeued forever.
        ack_policy=AckPolicy.REJECT_ON_ERROR,
        decoder=_raw_body,
        no_reply=True,
    )(consume)


@dataclass(frozen=True)
class EventSubscription:
    """A service's consumer: ``handler`` on ``queue``.

    Calling it registers the handler on a broker (with :func:`event_subscriber`) and
    returns the queue to serve; tests pass a queue of their own and faster retries.
    """

    queue: ConsumerQueue
    handler: EventHandler

    def __call__(
        self,
        registrator: RabbitRegistrator,
        sessions: async_sessionmaker[AsyncSession],
        *,
        queue: ConsumerQueue | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff: Backoff = DEFAULT_RETRY_BACKOFF,
    ) -> ConsumerQueue:
        served = queue or self.queue
        event_subscriber(
            registrator, served, sessions=sessions, max_attempts=max_attempts, backoff=backoff
        )(self.handler)
        return served
