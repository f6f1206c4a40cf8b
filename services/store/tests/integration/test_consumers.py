"""The projection process's consumers on the real broker, with the processed events
remembered in the real document store: an event is projected once, a snapshot the
projection cannot read is dead-lettered at once, and the document store or the search
engine being away is ridden out through the delay queues."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.errors import AutoReconnect

from catalog_chassis.messaging import (
    CloudEvent,
    ConsumerQueue,
    RetrySchedule,
    consumer_queue,
    make_broker,
)
from catalog_chassis.references import MalformedSnapshot
from catalog_testing import (
    THROWAWAY_QUEUE_ARGS,
    collect_messages,
    delete_queues,
    eventually,
    message_count,
    publish_event,
    serving_consumers,
)
from store_service.application.consuming import ProjectionConsumer
from store_service.domain.documents import Kind
from store_service.entrypoints.consumers import subscribe_projection
from store_service.entrypoints.topology import QUEUES
from store_service.infrastructure.mongo import MongoProcessedEvents

pytestmark = pytest.mark.integration


class RecordingProjection:
    """Stands in for the projection: records what it applied; ``failures`` makes the next
    applications fail with those errors first."""

    def __init__(self) -> None:
        self.applied: list[str] = []
        self.failures: list[Exception] = []

    async def apply(self, event_type: str, data: Mapping[str, Any]) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.applied.append(str(data["id"]))


@pytest.fixture
async def queues(rabbitmq_url) -> AsyncIterator[dict[Kind, ConsumerQueue]]:
    # The price consumer under a name of this test's own, bound to a key of its own only.
    name = f"{QUEUES[Kind.PRICE].name}.test-{uuid.uuid4().hex[:8]}"
    queue = consumer_queue(
        name,
        [f"test.{name}"],
        retry=RetrySchedule((0.2, 0.2)),
        extra_arguments=THROWAWAY_QUEUE_ARGS,
    )
    yield {Kind.PRICE: queue}
    await delete_queues(rabbitmq_url, queue.queue_names)


@pytest.fixture
async def projection(mongo_database, rabbitmq_url, queues) -> AsyncIterator[RecordingProjection]:
    recording = RecordingProjection()
    consumer = ProjectionConsumer(
        projection=recording,  # type: ignore[arg-type]
        processed=MongoProcessedEvents(mongo_database),
    )
    broker = make_broker(rabbitmq_url, app_id="store")
    async with serving_consumers(broker, subscribe_projection(broker, consumer, queues)):
        yield recording


def price_event(price_id: str) -> CloudEvent:
    return CloudEvent(
        id=uuid.uuid4(),
        source="/catalog/pricing",
        type="PriceCreated",
        time=datetime.now(UTC),
        subject=price_id,
        data={"id": price_id, "version": 1},
    )


async def test_an_event_delivered_again_is_not_projected_again(rabbitmq_url, queues, projection):
    key = queues[Kind.PRICE].binding_keys[0]
    event = price_event("p-1")
    await publish_event(rabbitmq_url, key, event.to_json_bytes())

    async def projected(*ids: str) -> bool:
        return projection.applied == list(ids)

    await eventually(lambda: projected("p-1"))
    # Redelivered (remembered in the document store), then another event behind it.
    await publish_event(rabbitmq_url, key, event.to_json_bytes())
    await publish_event(rabbitmq_url, key, price_event("p-2").to_json_bytes())

    await eventually(lambda: projected("p-1", "p-2"))


async def test_a_snapshot_the_projection_cannot_read_is_dead_lettered_at_once(
    rabbitmq_url, queues, projection
):
    queue = queues[Kind.PRICE]
    projection.failures = [MalformedSnapshot("price p-bad lacks text in name")]
    event = price_event("p-bad")
    await publish_event(rabbitmq_url, queue.binding_keys[0], event.to_json_bytes())

    [dead] = await collect_messages(rabbitmq_url, queue.dead_letter_queue.name, 1)

    assert CloudEvent.model_validate_json(dead.body).id == event.id
    assert dead.headers["catalog-dead-letter-reason"] == "poison"
    assert projection.applied == []


async def test_the_document_store_away_for_a_moment_is_ridden_out(rabbitmq_url, queues, projection):
    queue = queues[Kind.PRICE]
    projection.failures = [AutoReconnect("connection closed"), AutoReconnect("still closed")]
    await publish_event(rabbitmq_url, queue.binding_keys[0], price_event("p-3").to_json_bytes())

    async def projected() -> bool:
        return projection.applied == ["p-3"]

    await eventually(projected)
    assert await message_count(rabbitmq_url, queue.dead_letter_queue.name) == 0
