"""The event consumer process: `python -m specification_service.entrypoints.consumers`.

Keeps the characteristic cache current from `characteristic.*` events, as the consumer
`specification.characteristics`, and tracks which offerings use each specification from
`offering.*` events, as `specification.offerings`, so that a specification in use cannot be
deleted (queues `<consumer>.v2`, dead letters in `<consumer>.v2.dlq`: see
docs/runbooks/messaging.md).
"""

from __future__ import annotations

import asyncio

from catalog_chassis.messaging import (
    EventSubscription,
    consumer_queue,
    run_consumer_process,
)
from specification_service.bootstrap import cache_characteristic, track_offering_usages
from specification_service.config import SpecificationSettings

CHARACTERISTIC_EVENTS = consumer_queue("specification.characteristics", ["characteristic.*"])
OFFERING_EVENTS = consumer_queue("specification.offerings", ["offering.*"])
# Every consumer queue of the service (`make dlq-redrive` re-drives their dead letters).
QUEUES = [CHARACTERISTIC_EVENTS, OFFERING_EVENTS]


# Each registers its handler on a broker and returns the queue to serve.
subscribe_characteristic_events = EventSubscription(CHARACTERISTIC_EVENTS, cache_characteristic)
subscribe_offering_events = EventSubscription(OFFERING_EVENTS, track_offering_usages)


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
