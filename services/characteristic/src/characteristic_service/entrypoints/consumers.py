"""The event consumer process: `python -m characteristic_service.entrypoints.consumers`.

Tracks which specifications use each characteristic from `specification.*` events, as the
consumer `characteristic.specifications` (queue `characteristic.specifications.v2`, dead
letters in `characteristic.specifications.v2.dlq`: see docs/runbooks/messaging.md), so that
a characteristic in use cannot be deleted.
"""

from __future__ import annotations

import asyncio

from catalog_chassis.messaging import (
    EventSubscription,
    consumer_queue,
    run_consumer_process,
)
from characteristic_service.bootstrap import track_specification_usages
from characteristic_service.config import CharacteristicSettings

SPECIFICATION_EVENTS = consumer_queue("characteristic.specifications", ["specification.*"])
# Every consumer queue of the service (`make dlq-redrive` re-drives their dead letters).
QUEUES = [SPECIFICATION_EVENTS]


# Registers the usage tracker on a broker; returns the queue to serve.
subscribe_specification_events = EventSubscription(SPECIFICATION_EVENTS, track_specification_usages)


def main() -> None:
    asyncio.run(
        run_consumer_process(
            CharacteristicSettings(),
            lambda broker, sessions: [subscribe_specification_events(broker, sessions)],
        )
    )


if __name__ == "__main__":
    main()
