"""The event consumer process: `python -m characteristic_service.entrypoints.consumers`.

Tracks which specifications use each characteristic from `specification.*` events, on the
durable queue `characteristic.specifications` (dead letters in
`characteristic.specifications.dlq`), so that a characteristic in use cannot be deleted.
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
from characteristic_service.application.usage_updates import apply_specification_event
from characteristic_service.config import CharacteristicSettings
from characteristic_service.infrastructure.usages import SqlCharacteristicUsages

SPECIFICATION_EVENTS = consumer_queue("characteristic.specifications", ["specification.*"])


async def track_usages(event: CloudEvent, session: AsyncSession) -> None:
    """A specification's characteristics become its usages (newest version wins)."""
    await apply_specification_event(SqlCharacteristicUsages(session), event.type, event.data)


# Registers the usage tracker on a broker; returns the queue to serve.
subscribe_specification_events = EventSubscription(SPECIFICATION_EVENTS, track_usages)


def main() -> None:
    asyncio.run(
        run_consumer_process(
            CharacteristicSettings(),
            lambda broker, sessions: [subscribe_specification_events(broker, sessions)],
        )
    )


if __name__ == "__main__":
    main()
