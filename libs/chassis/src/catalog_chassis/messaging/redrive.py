"""Re-driving dead letters back to their consumer (``make dlq-redrive``).

``python -m catalog_chassis.messaging.redrive MODULE[:ATTRIBUTE] [--queue CONSUMER]``
takes the service's consumer queues from ``MODULE.ATTRIBUTE`` (``QUEUES`` by default: a
sequence or mapping of :class:`~catalog_chassis.messaging.topology.ConsumerQueue`) and moves
the messages waiting in each one's DLQ — or in that of ``--queue`` only — back to that
consumer: through ``catalog.events.retry`` with the consumer's name, so that no other
subscriber of the events sees them again. Each goes with a fresh retry schedule and a
``catalog-redrives`` count. It prints what it moved and what is left.

Only the messages in the DLQ when it starts are moved: one that fails again while the
re-drive runs lands back in the DLQ and stays there. RabbitMQ is read from ``RABBITMQ_URL``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import aio_pika
from aiormq.exceptions import ChannelNotFoundEntity

from catalog_chassis.messaging.broker import make_broker
from catalog_chassis.messaging.migration import copy_of
from catalog_chassis.messaging.retry import redriven_headers
from catalog_chassis.messaging.topology import (
    RETRY_EXCHANGE_NAME,
    ConsumerQueue,
    declare_consumer_topology,
)

logger = logging.getLogger(__name__)

DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"


@dataclass(frozen=True)
class Redriven:
    """``moved`` dead letters went back to ``consumer``; ``left`` wait in its DLQ after."""

    consumer: str
    dead_letter_queue: str
    moved: int
    left: int


async def redrive(url: str, consumer: ConsumerQueue) -> Redriven:
    """Move the messages waiting in ``consumer``'s DLQ back to its queue (see the module).

    Each is published (publisher confirm, mandatory) before it is acknowledged: a failure
    leaves it in the DLQ. The consumer's topology must be declared (its process declares
    it; :func:`redrive_consumers` does too).
    """
    dlq_name = consumer.dead_letter_queue.name
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(on_return_raises=True)
        try:
            dlq = await channel.declare_queue(dlq_name, passive=True)
        except ChannelNotFoundEntity:
            return Redriven(consumer.name, dlq_name, 0, 0)
        waiting = dlq.declaration_result.message_count or 0
        retry = await channel.get_exchange(RETRY_EXCHANGE_NAME)
        moved = 0
        while moved < waiting:
            message = await dlq.get(no_ack=False, fail=False)
            if message is None:
                break
            await retry.publish(
                copy_of(message, redriven_headers(message.headers)),
                routing_key=consumer.name,
                mandatory=True,
            )
            await message.ack()
            moved += 1
        after = await channel.declare_queue(dlq_name, passive=True)
        left = after.declaration_result.message_count or 0
        return Redriven(consumer.name, dlq_name, moved, left)
    finally:
        await connection.close()


async def redrive_consumers(url: str, consumers: Sequence[ConsumerQueue]) -> list[Redriven]:
    """Declare each consumer's topology (which also migrates legacy queues), then re-drive
    its dead letters."""
    broker = make_broker(url, app_id="dlq-redrive")
    await broker.connect()
    try:
        for consumer in consumers:
            await declare_consumer_topology(broker, consumer)
    finally:
        await broker.stop()
    return [await redrive(url, consumer) for consumer in consumers]


def load_consumers(where: str) -> list[ConsumerQueue]:
    """The consumer queues at ``module[:attribute]`` (attribute ``QUEUES`` by default)."""
    module_name, _, attribute = where.partition(":")
    found = getattr(importlib.import_module(module_name), attribute or "QUEUES")
    queues = list(found.values()) if isinstance(found, Mapping) else list(found)
    if not queues or not all(isinstance(queue, ConsumerQueue) for queue in queues):
        raise TypeError(f"{where} is not a collection of consumer queues")
    return queues


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m catalog_chassis.messaging.redrive",
        description="Move dead letters back to their consumer.",
    )
    parser.add_argument(
        "consumers",
        metavar="MODULE[:ATTRIBUTE]",
        help="the service's consumer queues, e.g. store_service.entrypoints.consumers",
    )
    parser.add_argument("--queue", help="only this consumer's DLQ, e.g. store.offerings")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    consumers = load_consumers(args.consumers)
    if args.queue:
        consumers = [consumer for consumer in consumers if consumer.name == args.queue]
        if not consumers:
            known = ", ".join(consumer.name for consumer in load_consumers(args.consumers))
            parser.error(f"no consumer {args.queue!r} in {args.consumers} (it has: {known})")

    url = os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)
    results = asyncio.run(redrive_consumers(url, consumers))
    for result in results:
        print(
            f"{result.consumer}: moved {result.moved} dead letter(s) back to the consumer,"
            f" {result.left} left in {result.dead_letter_queue}"
        )
    print(f"re-driven: {sum(result.moved for result in results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
