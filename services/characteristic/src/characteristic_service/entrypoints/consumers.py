"""The event consumer process: `python -m characteristic_service.entrypoints.consumers`.

Tracks which specifications use each characteristic from `specification.*` events, on the
durable queue `characteristic.specifications` (dead letters in
`characteristic.specifications.dlq`), so that a characteristic in use cannot be deleted.
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
from characteristic_service.application.usage_updates import apply_specification_event
from characteristic_service.config import CharacteristicSettings
from characteristic_service.infrastructure.usages import SqlCharacteristicUsages

SPECIFICATION_EVENTS = consumer_queue("characteristic.specifications", ["specification.*"])


def subscribe_specification_events(
    broker: RabbitBroker,
    sessions: async_sessionmaker[AsyncSession],
    *,
    queue: ConsumerQueue = SPECIFICATION_EVENTS,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    backoff: Backoff = DEFAULT_RETRY_BACKOFF,
) -> ConsumerQueue:
    """Register the usage tracker on ``broker``; returns the queue to serve."""

    @event_subscriber(broker, queue, sessions=sessions, max_attempts=max_attempts, backoff=backoff)
    async def track_usages(event: CloudEvent, session: AsyncSession) -> None:
        """A specification's characteristics become its usages (newest version wins)."""
        await apply_specification_event(SqlCharacteristicUsages(session), event.type, event.data)

    return queue


def main() -> None:
    asyncio.run(
        run_consumer_process(
            CharacteristicSettings(),
            lambda broker, sessions: [subscribe_specification_events(broker, sessions)],
        )
    )


if __name__ == "__main__":
    main()
