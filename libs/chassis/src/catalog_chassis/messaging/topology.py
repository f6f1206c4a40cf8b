"""RabbitMQ topology of the Events contract: the exchange, consumer queues and their DLQs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from faststream.rabbit import ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue
from faststream.rabbit.schemas.queue import ClassicQueueArgs

EVENTS_EXCHANGE_NAME = "catalog.events"
DEAD_LETTER_EXCHANGE_NAME = "catalog.events.dlx"

EVENTS_EXCHANGE = RabbitExchange(EVENTS_EXCHANGE_NAME, type=ExchangeType.TOPIC, durable=True)

# Dead-lettered messages carry their consumer's name as routing key (the queue's
# x-dead-letter-routing-key), and each DLQ is bound with that exact name, so a message only
# reaches its own consumer's DLQ. Topic, like the events exchange, so an operator may also
# bind a catch-all ("#") queue to watch every dead letter.
DEAD_LETTER_EXCHANGE = RabbitExchange(
    DEAD_LETTER_EXCHANGE_NAME, type=ExchangeType.TOPIC, durable=True
)


@dataclass(frozen=True)
class ConsumerQueue:
    """A consumer's durable queue on ``catalog.events`` and its dead-letter queue.

    ``queue`` is what the FastStream subscriber consumes; it is bound with the first key,
    :func:`declare_consumer_topology` binds the others and declares the DLQ.
    """

    name: str
    binding_keys: tuple[str, ...]
    queue: RabbitQueue = field(compare=False)
    dead_letter_queue: RabbitQueue = field(compare=False)


def consumer_queue(
    name: str,
    binding_keys: Sequence[str],
    *,
    extra_arguments: ClassicQueueArgs | None = None,
) -> ConsumerQueue:
    """``name`` is the consumer's identity, e.g. ``"store.offerings"``; keys may use * and #.

    ``extra_arguments`` (e.g. ``x-expires`` for throwaway test queues) apply to both queues.
    """
    if not binding_keys:
        raise ValueError("a consumer queue needs at least one binding key")
    keys = tuple(binding_keys)
    extra: ClassicQueueArgs = extra_arguments.copy() if extra_arguments else {}
    dead_lettering = extra.copy()
    dead_lettering["x-dead-letter-exchange"] = DEAD_LETTER_EXCHANGE_NAME
    dead_lettering["x-dead-letter-routing-key"] = name
    queue = RabbitQueue(name, durable=True, routing_key=keys[0], arguments=dead_lettering)
    dead_letter_queue = RabbitQueue(
        f"{name}.dlq", durable=True, routing_key=name, arguments=extra or None
    )
    return ConsumerQueue(name, keys, queue, dead_letter_queue)


async def declare_events_exchange(broker: RabbitBroker) -> None:
    await broker.declare_exchange(EVENTS_EXCHANGE)


async def declare_consumer_topology(broker: RabbitBroker, consumer: ConsumerQueue) -> None:
    """Declare exchanges, the queue with all its bindings, and the DLQ (idempotent).

    Run it after ``broker.connect()`` and before ``broker.start()``: a message rejected
    before its DLQ exists would be dropped by the dead-letter exchange.
    """
    events = await broker.declare_exchange(EVENTS_EXCHANGE)
    dead_letters = await broker.declare_exchange(DEAD_LETTER_EXCHANGE)

    dlq = await broker.declare_queue(consumer.dead_letter_queue)
    await dlq.bind(dead_letters, routing_key=consumer.name)

    queue = await broker.declare_queue(consumer.queue)
    for key in consumer.binding_keys:
        await queue.bind(events, routing_key=key)
