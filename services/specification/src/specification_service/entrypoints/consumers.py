"""The event consumer process: `python -m specification_service.entrypoints.consumers`.

Keeps the characteristic cache current from `characteristic.*` events, on the durable
queue `specification.characteristics` (dead letters in `specification.characteristics.dlq`).
"""

from __future__ import annotations

import asyncio

from faststream.rabbit import RabbitBroker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog_chassis.messaging import (
    Backoff,
    CloudEvent,
    ConsumerQueue,
    consumer_queue,
    event_subscriber,
    run_consumer_process,
)
from catalog_chassis.messaging.consumer import DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_BACKOFF
from specification_service.application.cache_updates import apply_characteristic_event
from specification_service.config import SpecificationSettings
from specification_service.infrastructure.references import SqlCharacteristicCache

CHARACTERISTIC_EVENTS = consumer_queue("specification.characteristics", ["characteristic.*"])


def subscribe_characteristic_events(
    broker: RabbitBroker,
    sessions: async_sessionmaker[AsyncSession],
    *,
    queue: ConsumerQueue = CHARACTERISTIC_EVENTS,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    backoff: Backoff = DEFAULT_RETRY_BACKOFF,
) -> ConsumerQueue:
    """Register the cache updater on ``broker``; returns the queue to serve."""

    @event_subscriber(broker, queue, sessions=sessions, max_attempts=max_attempts, backoff=backoff)
    async def cache_characteristic(event: CloudEvent, session: AsyncSession) -> None:
        """Created/updated characteristics are cached (newest version wins), deleted dropped."""
        await apply_characteristic_event(SqlCharacteristicCache(session), event.type, event.data)

    return queue


def main() -> None:
    asyncio.run(
        run_consumer_process(
            SpecificationSettings(),
            lambda broker, sessions: [subscribe_characteristic_events(broker, sessions)],
        )
    )


if __name__ == "__main__":
    main()
