"""The event consumer process: `python -m specification_service.entrypoints.consumers`.

Keeps the characteristic cache current from `characteristic.*` events, on the durable
queue `specification.characteristics` (dead letters in `specification.characteristics.dlq`).
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from catalog_chassis.messaging import (
    CloudEvent,
    EventSubscription,
    consumer_queue,
    run_consumer_process,
)
from specification_service.application.cache_updates import apply_characteristic_event
from specification_service.config import SpecificationSettings
from specification_service.infrastructure.references import SqlCharacteristicCache

CHARACTERISTIC_EVENTS = consumer_queue("specification.characteristics", ["characteristic.*"])


async def cache_characteristic(event: CloudEvent, session: AsyncSession) -> None:
    """Created/updated characteristics are cached (newest version wins), deleted dropped."""
    await apply_characteristic_event(SqlCharacteristicCache(session), event.type, event.data)


# Registers the cache updater on a broker; returns the queue to serve.
subscribe_characteristic_events = EventSubscription(CHARACTERISTIC_EVENTS, cache_characteristic)


def main() -> None:
    asyncio.run(
        run_consumer_process(
            SpecificationSettings(),
            lambda broker, sessions: [subscribe_characteristic_events(broker, sessions)],
        )
    )


if __name__ == "__main__":
    main()
