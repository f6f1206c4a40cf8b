"""RabbitMQ topology of the Events contract: the exchanges, and per consumer its queue, its
delay queues and its dead-letter queue (ADR 10).

For a consumer named ``store.offerings`` (its identity: processed-event records are kept
under it):

- ``store.offerings.v2`` — quorum queue bound to ``catalog.events`` with the consumer's keys
  and to ``catalog.events.retry`` with its name. ``x-delivery-limit`` dead-letters a message
  that keeps coming back unacknowledged (its handler crashes the process).
- ``store.offerings.retry.<delay>`` — one quorum queue per distinct delay of the retry
  schedule; a failed message waits there ``x-message-ttl`` ms, then is dead-lettered to
  ``catalog.events.retry`` with the consumer's name: back to this consumer only.
- ``store.offerings.v2.dlq`` — quorum queue bound to ``catalog.events.dlx`` with the
  consumer's name: what can never succeed, or failed for the whole schedule.

The queues dead-letter at least once (``x-dead-letter-strategy``): RabbitMQ keeps a message
until the target queue has confirmed it. ``store.offerings`` and ``store.offerings.dlq``
are the classic queues of the first topology; declaring the topology moves what they hold
into their successors and deletes them (:mod:`catalog_chassis.messaging.migration`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from faststream.rabbit import ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue
from faststream.rabbit.schemas.queue import QueueType, QuorumQueueArgs

from catalog_chassis.messaging.migration import LegacyQueue, migrate_legacy_queues
from catalog_chassis.messaging.retry import (
    DEFAULT_RETRY_SCHEDULE,
    RetrySchedule,
    delay_label,
    delay_milliseconds,
)

EVENTS_EXCHANGE_NAME = "catalog.events"
DEAD_LETTER_EXCHANGE_NAME = "catalog.events.dlx"
RETRY_EXCHANGE_NAME = "catalog.events.retry"

EVENTS_EXCHANGE = RabbitExchange(EVENTS_EXCHANGE_NAME, type=ExchangeType.TOPIC, durable=True)

# Dead letters carry their consumer's name as routing key (the queues'
# x-dead-letter-routing-key, or the consumer's own publish), and each DLQ is bound with that
# exact name, so a message only reaches its own consumer's DLQ. Topic, like the events
# exchange, so an operator may also bind a catch-all ("#") queue to watch every dead letter.
DEAD_LETTER_EXCHANGE = RabbitExchange(
    DEAD_LETTER_EXCHANGE_NAME, type=ExchangeType.TOPIC, durable=True
)

# Back to one consumer: each consumer queue is bound with its consumer's name. Delay queues
# dead-letter into it when a message's wait is over; re-driven dead letters go through it.
RETRY_EXCHANGE = RabbitExchange(RETRY_EXCHANGE_NAME, type=ExchangeType.DIRECT, durable=True)

# Deliveries of one message that end without an acknowledgement (the process died, the
# connection dropped) before RabbitMQ dead-letters it instead of delivering it again.
# Failures the handler reports do not count: the consumer acknowledges and retries those
# through a delay queue.
DEFAULT_DELIVERY_LIMIT = 10

# The generation of the consumer queues' names; the first one's classic queues (``<name>``
# and ``<name>.dlq``) migrate into this one's.
QUEUE_GENERATION = "v2"

_AT_LEAST_ONCE_DEAD_LETTERING: QuorumQueueArgs = {
    # A quorum queue keeps a dead-lettered message until the target queue confirms it;
    # RabbitMQ requires reject-publish overflow for that (no length limit is set).
    "x-dead-letter-strategy": "at-least-once",
    "x-overflow": "reject-publish",
}


@dataclass(frozen=True)
class ConsumerQueue:
    """A consumer's queues on ``catalog.events``: ``name`` is its identity, ``queue`` what
    the FastStream subscriber consumes (bound with the first key;
    :func:`declare_consumer_topology` binds the others and declares the rest)."""

    name: str
    binding_keys: tuple[str, ...]
    queue: RabbitQueue = field(compare=False)
    dead_letter_queue: RabbitQueue = field(compare=False)
    retry_schedule: RetrySchedule = field(compare=False)
    # One per distinct delay of the schedule, by delay (seconds).
    retry_queues: Mapping[float, RabbitQueue] = field(compare=False)
    legacy_queues: tuple[LegacyQueue, ...] = field(compare=False)

    def retry_queue(self, delay: float) -> RabbitQueue:
        return self.retry_queues[delay]

    @property
    def queue_names(self) -> list[str]:
        """Every queue of the consumer (not the legacy ones)."""
        return [
            self.queue.name,
            self.dead_letter_queue.name,
            *(queue.name for queue in self.retry_queues.values()),
        ]


def consumer_queue(
    name: str,
    binding_keys: Sequence[str],
    *,
    retry: RetrySchedule = DEFAULT_RETRY_SCHEDULE,
    delivery_limit: int = DEFAULT_DELIVERY_LIMIT,
    extra_arguments: QuorumQueueArgs | None = None,
) -> ConsumerQueue:
    """``name`` is the consumer's identity, e.g. ``"store.offerings"``; keys may use * and #.

    ``retry`` spaces out the attempts of a message that fails transiently; ``extra_arguments``
    (e.g. ``x-expires`` for throwaway test queues) apply to every queue.
    """
    if not binding_keys:
        raise ValueError("a consumer queue needs at least one binding key")
    if delivery_limit < 1:
        raise ValueError("the delivery limit is at least 1")
    keys = tuple(binding_keys)
    extra: QuorumQueueArgs = extra_arguments.copy() if extra_arguments else {}
    queue_name = f"{name}.{QUEUE_GENERATION}"

    queue_arguments: QuorumQueueArgs = {
        **extra,
        **_AT_LEAST_ONCE_DEAD_LETTERING,
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE_NAME,
        "x-dead-letter-routing-key": name,
        "x-delivery-limit": delivery_limit,
    }
    queue = _quorum_queue(queue_name, queue_arguments, routing_key=keys[0])
    dead_letter_queue = _quorum_queue(f"{queue_name}.dlq", extra, routing_key=name)
    retry_queues = {
        delay: _quorum_queue(
            f"{name}.retry.{delay_label(delay)}",
            {
                **extra,
                **_AT_LEAST_ONCE_DEAD_LETTERING,
                "x-message-ttl": delay_milliseconds(delay),
                "x-dead-letter-exchange": RETRY_EXCHANGE_NAME,
                "x-dead-letter-routing-key": name,
            },
        )
        for delay in retry.distinct_delays
    }
    legacy = (
        LegacyQueue(name, queue.name, EVENTS_EXCHANGE_NAME, keys),
        LegacyQueue(f"{name}.dlq", dead_letter_queue.name, DEAD_LETTER_EXCHANGE_NAME, (name,)),
    )
    return ConsumerQueue(
        name, keys, queue, dead_letter_queue, retry, retry_queues, legacy_queues=legacy
    )


def _quorum_queue(name: str, arguments: QuorumQueueArgs, *, routing_key: str = "") -> RabbitQueue:
    return RabbitQueue(
        name,
        queue_type=QueueType.QUORUM,
        durable=True,
        routing_key=routing_key,
        arguments=arguments,
    )


async def declare_events_exchange(broker: RabbitBroker) -> None:
    await broker.declare_exchange(EVENTS_EXCHANGE)


async def declare_consumer_topology(
    broker: RabbitBroker, consumer: ConsumerQueue
) -> list[LegacyQueue]:
    """Declare the exchanges and the consumer's queues with their bindings (idempotent),
    then migrate the consumer's legacy queues; returns those that could not be migrated yet
    (still consumed by a process of the previous version): call
    :func:`~catalog_chassis.messaging.migration.migrate_legacy_queues` again later.

    Run it after ``broker.connect()`` and before ``broker.start()``: a message dead-lettered
    before its DLQ exists would wait in its queue, and one published to a delay queue that
    does not exist yet would be refused.
    """
    events = await broker.declare_exchange(EVENTS_EXCHANGE)
    dead_letters = await broker.declare_exchange(DEAD_LETTER_EXCHANGE)
    retries = await broker.declare_exchange(RETRY_EXCHANGE)

    dlq = await broker.declare_queue(consumer.dead_letter_queue)
    await dlq.bind(dead_letters, routing_key=consumer.name)

    queue = await broker.declare_queue(consumer.queue)
    for key in consumer.binding_keys:
        await queue.bind(events, routing_key=key)
    await queue.bind(retries, routing_key=consumer.name)

    for retry_queue in consumer.retry_queues.values():
        await broker.declare_queue(retry_queue)

    return await migrate_legacy_queues(await broker_url(broker), consumer.legacy_queues)


async def broker_url(broker: RabbitBroker) -> str:
    """The URL the broker is connected with (connecting it if need be), for a connection of
    one's own (channel errors on it never touch the broker's channels)."""
    connection: Any = await broker.connect()
    return str(connection.url)
