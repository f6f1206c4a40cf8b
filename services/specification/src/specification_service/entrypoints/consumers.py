"""The event consumer process: `python -m specification_service.entrypoints.consumers`.

Keeps the characteristic cache current from `characteristic.*` events, on the durable
queue `specification.characteristics` (dead letters in `specification.characteristics.dlq`),
and tracks which offerings use each specification from `offering.*` events, on
`specification.offerings` (dead letters in `specification.offerings.dlq`), so that a
specification in use cannot be deleted.
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
from catalog_chassis.usages import apply_referrer_event
from specification_service.application.cache_updates import apply_characteristic_event
from specification_service.config import SpecificationSettings
from specification_service.domain.offerings import OFFERING_USAGE_EVENTS
from specification_service.infrastructure.references import (
    SqlCharacteristicCache,
    SqlOfferingUsages,
)

CHARACTERISTIC_EVENTS = consumer_queue("specification.characteristics", ["characteristic.*"])
OFFERING_EVENTS = consumer_queue("specification.offerings", ["offering.*"])


async def cache_characteristic(event: CloudEvent, session: AsyncSession) -> None:
    """Created/updated characteristics are cached (newest version wins), deleted dropped."""
    await apply_characteristic_event(SqlCharacteristicCache(session), event.type, event.data)


async def track_usages(event: CloudEvent, session: AsyncSession) -> None:
    """An offering's specifications become its usages (newest version wins) until it is
    retired or deleted."""
    usages = SqlOfferingUsages(session)
    await apply_referrer_event(usages, OFFERING_USAGE_EVENTS, event.type, event.data)


# Each registers its handler on a broker and returns the queue to serve.
subscribe_characteristic_events = EventSubscription(CHARACTERISTIC_EVENTS, cache_characteristic)
subscribe_offering_events = EventSubscription(OFFERING_EVENTS, track_usages)


def main() -> None:
    asyncio.run(
        run_consumer_process(
            SpecificationSettings(),
            lambda broker, sessions: [
                subscribe_characteristic_events(broker, sessions),
                subscribe_offering_events(broker, sessions),
            ],
        )
    )


if __name__ == "__main__":
    main()
