"""The cache consumer against real RabbitMQ and Postgres, fed the characteristic service's
own CloudEvents (made by its aggregate and envelope, published to catalog.events)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from catalog_chassis.db import create_engine, create_session_factory
from catalog_chassis.messaging import (
    CloudEvent,
    ConsumerQueue,
    cloud_event_from,
    consumer_queue,
    make_broker,
)
from catalog_testing import (
    TEST_RETRY_SCHEDULE,
    THROWAWAY_QUEUE_ARGS,
    collect_messages,
    delete_queues,
    eventually,
    publish_event,
    serving_consumers,
)
from characteristic_service.domain.model import Characteristic
from specification_service.entrypoints.consumers import (
    CHARACTERISTIC_EVENTS,
    subscribe_characteristic_events,
)

pytestmark = pytest.mark.integration


def envelope(characteristic: Characteristic) -> list[CloudEvent]:
    """The CloudEvents the characteristic service's outbox would publish for its changes."""
    return [
        cloud_event_from(event, service="characteristic", correlation_id="test-cache")
        for event in characteristic.collect_events()
    ]


async def publish(rabbitmq_url: str, event: CloudEvent) -> None:
    action = event.type.removeprefix("Characteristic").lower()
    await publish_event(rabbitmq_url, f"characteristic.{action}", event.to_json_bytes())


@pytest.fixture
async def queue(rabbitmq_url) -> AsyncIterator[ConsumerQueue]:
    # The production queue's bindings under a name of this test's own, plus a key of its
    # own, so that poison messages reach no other consumer (the platform's may be running).
    name = f"{CHARACTERISTIC_EVENTS.name}.test-{uuid.uuid4().hex[:8]}"
    test_queue = consumer_queue(
        name,
        [*CHARACTERISTIC_EVENTS.binding_keys, f"test.{name}"],
        retry=TEST_RETRY_SCHEDULE,
        extra_arguments=THROWAWAY_QUEUE_ARGS,
    )
    yield test_queue
    await delete_queues(rabbitmq_url, test_queue.queue_names)


@pytest.fixture
async def consuming(database_url, rabbitmq_url, queue) -> AsyncIterator[None]:
    engine = create_engine(database_url)
    broker = make_broker(rabbitmq_url, app_id="specification")
    subscribe_characteristic_events(broker, create_session_factory(engine), queue=queue)
    async with serving_consumers(broker, [queue]):
        yield
    await engine.dispose()


@pytest.fixture
def cached(sql):
    async def row(characteristic_id: uuid.UUID) -> dict | None:
        rows = await sql(
            "SELECT name, value, unit_of_measure, version FROM cached_characteristics "
            "WHERE id = :id",
            id=characteristic_id,
        )
        return rows[0] if rows else None

    return row


@pytest.fixture
def processed(sql, queue):
    async def wait_for(event: CloudEvent) -> None:
        async def done() -> bool:
            rows = await sql(
                "SELECT 1 FROM processed_events WHERE consumer = :c AND event_id = :e",
                c=queue.name,
                e=event.id,
            )
            return bool(rows)

        await eventually(done)

    return wait_for


def characteristic(name: str = "Download speed") -> Characteristic:
    return Characteristic.create(
        name=f"{name} {uuid.uuid4().hex[:8]}", value="100", unit_of_measure="Mbps"
    )


@pytest.mark.usefixtures("consuming")
async def test_created_and_updated_events_keep_the_cache_current(rabbitmq_url, cached):
    speed = characteristic()
    [created] = envelope(speed)
    await publish(rabbitmq_url, created)

    async def cached_at(version: int) -> bool:
        row = await cached(speed.id)
        return row is not None and row["version"] == version

    await eventually(lambda: cached_at(1))
    speed.update(name=speed.name, value="250", unit_of_measure="Gbps")
    [updated] = envelope(speed)
    await publish(rabbitmq_url, updated)
    await eventually(lambda: cached_at(2))
    assert await cached(speed.id) == {
        "name": speed.name,
        "value": "250",
        "unit_of_measure": "Gbps",
        "version": 2,
    }


@pytest.mark.usefixtures("consuming")
async def test_a_duplicate_event_acts_once(rabbitmq_url, cached, processed, sql):
    speed = characteristic()
    [created] = envelope(speed)
    await publish(rabbitmq_url, created)
    await processed(created)
    assert await cached(speed.id) is not None
    # Drop the cached row: if the redelivered event acted again, it would reappear.
    await sql("DELETE FROM cached_characteristics WHERE id = :id", id=speed.id)
    await publish(rabbitmq_url, created)
    follower = characteristic("Latency")
    [after] = envelope(follower)
    await publish(rabbitmq_url, after)
    await processed(after)  # one queue, in order: the duplicate was handled before it
    assert await cached(speed.id) is None
    assert await cached(follower.id) is not None


@pytest.mark.usefixtures("consuming")
async def test_out_of_order_versions_are_ignored(rabbitmq_url, cached, processed):
    speed = characteristic()
    [created] = envelope(speed)
    speed.update(name=speed.name, value="200", unit_of_measure="Mbps")
    [second] = envelope(speed)
    speed.update(name=speed.name, value="300", unit_of_measure="Mbps")
    [third] = envelope(speed)
    for event in (third, created, second):
        await publish(rabbitmq_url, event)
    await processed(second)
    assert (await cached(speed.id))["version"] == 3
    assert (await cached(speed.id))["value"] == "300"


@pytest.mark.usefixtures("consuming")
async def test_deleted_removes_it_and_a_late_update_cannot_bring_it_back(
    rabbitmq_url, cached, processed
):
    speed = characteristic()
    [created] = envelope(speed)
    speed.update(name=speed.name, value="200", unit_of_measure="Mbps")
    [updated] = envelope(speed)
    speed.delete()
    [deleted] = envelope(speed)
    for event in (created, deleted, updated):
        await publish(rabbitmq_url, event)
    await processed(updated)
    assert await cached(speed.id) is None


@pytest.mark.usefixtures("consuming")
async def test_poison_messages_land_in_the_dead_letter_queue(rabbitmq_url, queue):
    own_key = queue.binding_keys[-1]
    await publish_event(rabbitmq_url, own_key, b"{not json")
    broken = CloudEvent.model_validate(
        {**envelope(characteristic())[0].to_json_dict(), "data": {"id": "not-a-snapshot"}}
    )
    await publish_event(rabbitmq_url, own_key, broken.to_json_bytes())
    dead = await collect_messages(rabbitmq_url, queue.dead_letter_queue.name, 2, within=15)
    assert dead[0].body == b"{not json"
    assert CloudEvent.model_validate_json(dead[1].body).id == broken.id
