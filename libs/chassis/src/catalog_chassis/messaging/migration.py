"""Moving a consumer's messages out of the queues of an earlier topology, without losing any.

RabbitMQ cannot change a queue's type or arguments in place (declaring it again with other
arguments fails with PRECONDITION_FAILED), so the queues of a new topology have new names
and the old ones are emptied into them. For each legacy queue, once its successor has been
declared and bound (both now receive new events):

1. Under a lock — an exclusive queue ``<legacy>.migration-lock``, which RabbitMQ lets only
   one connection hold — so that replicas starting together do not migrate at once.
2. The legacy queue is unbound: nothing new reaches it.
3. Each message left in it is published to its successor (through the default exchange,
   with a publisher confirm) and only then acknowledged: a crash in between leaves a copy
   in both, which the consumer's idempotency absorbs.
4. It is deleted if it is empty and no consumer is attached. A process of the previous
   version still consuming it keeps it (and what that process has not acknowledged comes
   back to it if it stops): the migration is tried again later
   (:func:`catalog_chassis.messaging.runner.serve_consumers` does every minute).

The lock matters: ``queue.delete(if_empty)`` does not count messages fetched but not yet
acknowledged, so a replica deleting the queue under another's move could lose a message.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aio_pika
from aio_pika.abc import AbstractConnection, AbstractIncomingMessage
from aiormq.exceptions import (
    AMQPError,
    ChannelLockedResource,
    ChannelNotFoundEntity,
    ChannelPreconditionFailed,
)

logger = logging.getLogger(__name__)

LOCK_SUFFIX = ".migration-lock"


@dataclass(frozen=True)
class LegacyQueue:
    """A queue of an earlier topology: bound to ``exchange`` with ``binding_keys``, its
    messages move to ``successor`` before it is deleted."""

    name: str
    successor: str
    exchange: str
    binding_keys: tuple[str, ...]


@dataclass(frozen=True)
class Migrated:
    """What one migration attempt did: ``moved`` messages; ``done`` once the legacy queue
    is gone (or never existed)."""

    queue: str
    moved: int
    done: bool


async def migrate_legacy_queues(
    url: str, legacy_queues: Sequence[LegacyQueue]
) -> list[LegacyQueue]:
    """Migrate each of ``legacy_queues`` (see the module); returns those still to migrate.

    Uses a connection of its own: a passive declaration of a queue that is gone, or a
    refused delete, closes the channel it ran on.
    """
    if not legacy_queues:
        return []
    try:
        connection = await aio_pika.connect(url)
    except (AMQPError, OSError) as error:
        logger.warning("cannot migrate legacy queues now, will try again: %r", error)
        return list(legacy_queues)
    pending: list[LegacyQueue] = []
    try:
        for legacy in legacy_queues:
            try:
                migrated = await migrate_legacy_queue(connection, legacy)
            except (AMQPError, OSError) as error:
                logger.warning("migrating %s failed, will try again: %r", legacy.name, error)
                pending.append(legacy)
                continue
            except Exception:  # never keeps the consumer from consuming its new queue
                logger.exception("migrating %s failed, will try again", legacy.name)
                pending.append(legacy)
                continue
            if not migrated.done:
                pending.append(legacy)
    finally:
        await connection.close()
    return pending


async def migrate_legacy_queue(connection: AbstractConnection, legacy: LegacyQueue) -> Migrated:
    lock_name = f"{legacy.name}{LOCK_SUFFIX}"
    lock = await connection.channel()
    try:
        await lock.declare_queue(lock_name, exclusive=True)
    except ChannelLockedResource:
        logger.info("another process is migrating %s", legacy.name)
        return Migrated(legacy.name, 0, done=False)
    try:
        return await _migrate(connection, legacy)
    finally:
        await lock.queue_delete(lock_name)
        await lock.close()


async def _migrate(connection: AbstractConnection, legacy: LegacyQueue) -> Migrated:
    channel = await connection.channel(on_return_raises=True)
    try:
        try:
            queue = await channel.declare_queue(legacy.name, passive=True)
        except ChannelNotFoundEntity:
            return Migrated(legacy.name, 0, done=True)
        for key in legacy.binding_keys:
            await queue.unbind(legacy.exchange, routing_key=key)
        moved = 0
        while (message := await queue.get(no_ack=False, fail=False)) is not None:
            await channel.default_exchange.publish(
                copy_of(message), routing_key=legacy.successor, mandatory=True
            )
            await message.ack()
            moved += 1
    finally:
        if not channel.is_closed:
            await channel.close()
    if moved:
        logger.info("moved %d message(s) from %s to %s", moved, legacy.name, legacy.successor)

    deleting = await connection.channel()
    try:
        await deleting.queue_delete(legacy.name, if_unused=True, if_empty=True)
    except ChannelPreconditionFailed:
        logger.warning(
            "%s is still consumed (a process of the previous version?) or received a"
            " message meanwhile; it is unbound, and migrated again later",
            legacy.name,
        )
        return Migrated(legacy.name, moved, done=False)
    finally:
        if not deleting.is_closed:
            await deleting.close()
    logger.info("migrated %s to %s and deleted it", legacy.name, legacy.successor)
    return Migrated(legacy.name, moved, done=True)


def copy_of(
    message: AbstractIncomingMessage, headers: dict[str, Any] | None = None
) -> aio_pika.Message:
    """A persistent copy of ``message`` with its properties (and ``headers`` instead of its
    own, if given) to publish elsewhere; RabbitMQ's redelivery count stays behind."""
    kept = (
        headers
        if headers is not None
        else {name: value for name, value in message.headers.items() if name != "x-delivery-count"}
    )
    return aio_pika.Message(
        message.body,
        headers=kept,
        content_type=message.content_type,
        content_encoding=message.content_encoding,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        priority=message.priority,
        correlation_id=message.correlation_id,
        reply_to=message.reply_to,
        message_id=message.message_id,
        timestamp=message.timestamp,
        type=message.type,
        app_id=message.app_id,
    )
