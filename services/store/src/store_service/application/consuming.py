"""Running the projection for one event, once: the store's processed-event record lives
in its document database (no Postgres here), written after the event has been applied —
applying is idempotent, so a crash in between only repeats harmless work."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from catalog_chassis.messaging import CloudEvent, PoisonMessage
from catalog_chassis.references import MalformedSnapshot
from store_service.application.ports import ProcessedEvents
from store_service.application.projection import Projection


@dataclass
class ProjectionConsumer:
    projection: Projection
    processed: ProcessedEvents
    # Observes the seconds from an event's time to its projection (the freshness lag).
    observe_lag: Callable[[float], None] = lambda _seconds: None
    clock: Callable[[], float] = time.time

    async def __call__(self, consumer: str, event: CloudEvent) -> bool:
        """False when the event had been processed before."""
        if await self.processed.seen(consumer, event.id):
            return False
        try:
            await self.projection.apply(event.type, event.data)
        except MalformedSnapshot as error:
            raise PoisonMessage(str(error)) from error
        await self.processed.remember(consumer, event.id)
        self.observe_lag(max(self.clock() - event.time.timestamp(), 0.0))
        return True
