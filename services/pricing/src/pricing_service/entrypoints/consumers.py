"""The event consumer process: `python -m pricing_service.entrypoints.consumers`.

Tracks which offerings use each price from `offering.*` events, as the consumer
`pricing.offerings` (queue `pricing.offerings.v2`, dead letters in `pricing.offerings.v2.dlq`:
see docs/runbooks/messaging.md), so that a price in use cannot be deleted; a retired
offering's prices are unlocked.
"""

from __future__ import annotations

import asyncio

from catalog_chassis.messaging import (
    EventSubscription,
    consumer_queue,
    run_consumer_process,
)
from pricing_service.bootstrap import handle_offering_event
from pricing_service.config import PricingSettings

OFFERING_EVENTS = consumer_queue("pricing.offerings", ["offering.*"])
# Every consumer queue of the service (`make dlq-redrive` re-drives their dead letters).
QUEUES = [OFFERING_EVENTS]


# Registers the handler on a broker; returns the queue to serve.
subscribe_offering_events = EventSubscription(OFFERING_EVENTS, handle_offering_event)


def main() -> None:
    asyncio.run(
        run_consumer_process(
            PricingSettings(),
            lambda broker, sessions: [subscribe_offering_events(broker, sessions)],
        )
    )


if __name__ == "__main__":
    main()
