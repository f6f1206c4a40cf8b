"""The event consumer process: `python -m offering_service.entrypoints.consumers`.

Keeps the caches of the specifications and prices that exist current from
`specification.*` and `price.*` events, as the consumers `offering.specifications` and
`offering.prices` (queues `<consumer>.v2`, dead letters in `<consumer>.v2.dlq`: see
docs/runbooks/messaging.md).
"""

from __future__ import annotations

import asyncio

from catalog_chassis.messaging import (
    EventSubscription,
    consumer_queue,
    run_consumer_process,
)
from offering_service.bootstrap import cache_price, cache_specification
from offering_service.config import OfferingSettings

SPECIFICATION_EVENTS = consumer_queue("offering.specifications", ["specification.*"])
PRICE_EVENTS = consumer_queue("offering.prices", ["price.*"])
# Every consumer queue of the service (`make dlq-redrive` re-drives their dead letters).
QUEUES = [SPECIFICATION_EVENTS, PRICE_EVENTS]


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
