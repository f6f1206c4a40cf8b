"""The event consumer process: `python -m offering_service.entrypoints.consumers`.

Keeps the caches of the specifications and prices that exist current from
`specification.*` and `price.*` events, on the durable queues `offering.specifications` and
`offering.prices` (dead letters in `<queue>.dlq`).
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
from offering_service.application.references import PRICE_FEED, SPECIFICATION_FEED
from offering_service.config import OfferingSettings
from offering_service.infrastructure.references import price_cache, specification_cache

SPECIFICATION_EVENTS = consumer_queue("offering.specifications", ["specification.*"])
PRICE_EVENTS = consumer_queue("offering.prices", ["price.*"])


async def cache_specification(event: CloudEvent, session: AsyncSession) -> None:
    """Created/updated specifications are cached (newest version wins), deleted dropped."""
    await SPECIFICATION_FEED.apply(specification_cache(session), event.type, event.data)


async def cache_price(event: CloudEvent, session: AsyncSession) -> None:
    """Every price event but deleted caches the price (newest version wins)."""
    await PRICE_FEED.apply(price_cache(session), event.type, event.data)


subscribe_specification_events = EventSubscription(SPECIFICATION_EVENTS, cache_specification)
subscribe_price_events = EventSubscription(PRICE_EVENTS, cache_price)


def main() -> None:
    asyncio.run(
        run_consumer_process(
            OfferingSettings(),
            lambda broker, sessions: [
                subscribe_specification_events(broker, sessions),
                subscribe_price_events(broker, sessions),
            ],
        )
    )


if __name__ == "__main__":
    main()
