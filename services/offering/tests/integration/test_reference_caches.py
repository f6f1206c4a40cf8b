"""The consumer keeps the specification and price caches current from real events on
catalog.events (real RabbitMQ, real Postgres), and the API then accepts exactly what exists."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import pytest

from catalog_chassis.db import create_engine, create_session_factory
from catalog_chassis.messaging import (
    ConsumerQueue,
    consumer_queue,
    make_broker,
)
from catalog_testing import (
    TEST_RETRY_SCHEDULE,
    THROWAWAY_QUEUE_ARGS,
    delete_queues,
    eventually,
    publish_event,
    serving_consumers,
)
from offering_service.entrypoints.consumers import (
    PRICE_EVENTS,
    SPECIFICATION_EVENTS,
    subscribe_price_events,
    subscribe_specification_events,
)

pytestmark = pytest.mark.integration

BASE = "/api/v1/offerings"


def own_queue(production: ConsumerQueue) -> ConsumerQueue:
    # The production queue's bindings under a name of this test's own.
    name = f"{production.name}.test-{uuid.uuid4().hex[:8]}"
    return consumer_queue(
        name,
        list(production.binding_keys),
        retry=TEST_RETRY_SCHEDULE,
        extra_arguments=THROWAWAY_QUEUE_ARGS,
    )


@pytest.fixture
async def consuming(database_url, rabbitmq_url) -> AsyncIterator[None]:
    specification_queue, price_queue = own_queue(SPECIFICATION_EVENTS), own_queue(PRICE_EVENTS)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    broker = make_broker(rabbitmq_url, app_id="offering")
    subscribe_specification_events(broker, sessions, queue=specification_queue)
    subscribe_price_events(broker, sessions, queue=price_queue)
    queues = [specification_queue, price_queue]
    async with serving_consumers(broker, queues):
        yield
    await engine.dispose()
    await delete_queues(rabbitmq_url, [name for q in queues for name in q.queue_names])


async def publish(rabbitmq_url: str, routing_key: str, event_type: str, data: dict) -> None:
    event = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": f"/catalog/{routing_key.split('.')[0]}",
        "type": event_type,
        "time": "2026-11-29T10:00:00Z",
        "subject": data["id"],
        "datacontenttype": "application/json",
        "correlationid": "test-offering-caches",
        "data": data,
    }
    await publish_event(rabbitmq_url, routing_key, json.dumps(event).encode())


def snapshot(item_id: uuid.UUID, version: int, name: str = "Fibre 100") -> dict:
    return {"id": str(item_id), "name": name, "version": version, "extra": "ignored"}


@pytest.mark.usefixtures("consuming")
async def test_events_feed_the_caches_and_deletions_are_final(client, admin, sql, rabbitmq_url):
    spec_id, price_id = uuid.uuid4(), uuid.uuid4()
    await publish(
        rabbitmq_url, "specification.created", "SpecificationCreated", snapshot(spec_id, 1)
    )
    await publish(rabbitmq_url, "price.locked", "PriceLocked", snapshot(price_id, 2))

    async def cached(table: str, item_id: uuid.UUID) -> bool:
        return bool(await sql(f"SELECT 1 FROM {table} WHERE id = :id", id=item_id))  # noqa: S608

    await eventually(lambda: cached("known_specifications", spec_id))
    await eventually(lambda: cached("known_prices", price_id))

    # The API now accepts both without asking their owners (the specification owner is down).
    accepted = await client.post(
        BASE,
        json={
            "name": f"Cached {uuid.uuid4().hex[:8]}",
            "specificationIds": [str(spec_id)],
            "priceIds": [str(price_id)],
        },
        headers=admin,
    )
    assert accepted.status_code == 201, accepted.text

    await publish(
        rabbitmq_url, "specification.deleted", "SpecificationDeleted", snapshot(spec_id, 3)
    )
    await eventually(lambda: cached("removed_specifications", spec_id))
    # A late, older update cannot bring it back.
    await publish(
        rabbitmq_url, "specification.updated", "SpecificationUpdated", snapshot(spec_id, 2)
    )
    refused = await client.post(
        BASE,
        json={"name": f"Stale {uuid.uuid4().hex[:8]}", "specificationIds": [str(spec_id)]},
        headers=admin,
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "specificationIds"
    assert not await cached("known_specifications", spec_id)
