"""The store's consumer queues: one per kind of aggregate it follows."""

from __future__ import annotations

from catalog_chassis.messaging import ConsumerQueue, consumer_queue
from store_service.domain.documents import Kind

QUEUES: dict[Kind, ConsumerQueue] = {
    kind: consumer_queue(f"store.{kind.value}s", [f"{kind.value}.*"]) for kind in Kind
}
