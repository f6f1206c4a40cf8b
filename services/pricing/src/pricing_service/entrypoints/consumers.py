"""The event consumer process: `python -m pricing_service.entrypoints.consumers`.

Tracks which offerings use each price from `offering.*` events, on the durable queue
`pricing.offerings` (dead letters in `pricing.offerings.dlq`), so that a price in use
cannot be deleted.
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
from catalog_chassis.usage_tables import SqlReferenceUsages
from catalog_chassis.usages import apply_referrer_event
from pricing_service.config import PricingSettings
from pricing_service.domain.offerings import OFFERING_USAGE_EVENTS
from pricing_service.infrastructure.tables import OFFERING_USAGES

OFFERING_EVENTS = consumer_queue("pricing.offerings", ["offering.*"])


async def track_usages(event: CloudEvent, session: AsyncSession) -> None:
    """An offering's prices become its usages (newest version wins) until it is retired
    or deleted."""
    usages = SqlReferenceUsages(session, OFFERING_USAGES)
    await apply_referrer_event(usages, OFFERING_USAGE_EVENTS, event.type, event.data)


# Registers the usage tracker on a broker; returns the queue to serve.
subscribe_offering_events = EventSubscription(OFFERING_EVENTS, track_usages)


def main() -> None:
    asyncio.run(
        run_consumer_process(
            PricingSettings(),
            lambda broker, sessions: [subscribe_offering_events(broker, sessions)],
        )
    )


if __name__ == "__main__":
    main()
