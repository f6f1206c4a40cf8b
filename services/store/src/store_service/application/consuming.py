"""Running the projection for one event, once: the store's processed-event record lives
in its document database (no Postgres here), written after the event has been applied —
applying is idempotent, so a crash in between only repeats harmless work."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from store_service.application.ports import ProcessedEvents
from store_service.application.projection import Projection


@dataclass
class ProjectionConsumer:
    projection: Projection
    processed: ProcessedEvents
    # Observes the seconds from an event's time to its projection (the freshness lag).
    observe_lag: Callable[[float], None] = lambda _seconds: None
    clock: Callable[[], float] = time.time

    async def handle(
        self,
        consumer: str,
        event_id: uuid.UUID,
        event_type: str,
        occurred_at: datetime,
        data: Mapping[str, Any],
    ) -> bool:
        """False when the event had been processed before. MalformedSnapshot for bad data
        (the caller dead-letters it)."""
        if await self.processed.seen(consumer, event_id):
            return False
        await self.projection.apply(event_type, data)
        await self.processed.remember(consumer, event_id)
        self.observe_lag(max(self.clock() - occurred_at.timestamp(), 0.0))
        return True
