"""The usage-tracking consumer against real RabbitMQ and Postgres, fed the specification
service's own CloudEvents (made by its aggregate and envelope, published to catalog.events)."""

from __future__ import annotations

import uuid

import pytest

from catalog_chassis.messaging import CloudEvent
from catalog_testing import collect_messages, publish_event
from specification_service.domain.model import SpecificationContent

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("tracking_usages")]

SPEED, LATENCY = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def usages_of(sql):
    async def rows(specification) -> list[tuple[uuid.UUID, str]]:
        found = await sql(
            "SELECT characteristic_id, specification_name FROM characteristic_usages "
            "WHERE specification_id = :s ORDER BY characteristic_id",
            s=specification.id,
        )
        return [(row["characteristic_id"], row["specification_name"]) for row in found]

    return rows


async def test_created_updated_and_deleted_keep_the_usages_current(
    new_specification, events_of, deliver, usages_of
):
    spec = new_specification(SPEED, LATENCY)
    [created] = events_of(spec)
    await deliver(created)
    assert await usages_of(spec) == sorted([(SPEED, spec.name), (LATENCY, spec.name)])

    spec.update(
        SpecificationContent.validated(
            name=f"{spec.name} v2", description=None, characteristic_ids=[LATENCY]
        )
    )
    [updated] = events_of(spec)
    await deliver(updated)
    assert await usages_of(spec) == [(LATENCY, spec.name)]  # the new name

    spec.delete()
    [deleted] = events_of(spec)
    await deliver(deleted)
    assert await usages_of(spec) == []


async def test_a_duplicate_event_acts_once(new_specification, events_of, deliver, usages_of, sql):
    spec = new_specification(SPEED)
    [created] = events_of(spec)
    await deliver(created)
    # Drop the usage: if the redelivered event acted again, it would reappear.
    await sql("DELETE FROM characteristic_usages WHERE specification_id = :s", s=spec.id)
    await deliver(created, wait=False)
    follower = new_specification(LATENCY)
    [after] = events_of(follower)
    await deliver(after)  # one queue, in order: the duplicate was handled before it
    assert await usages_of(spec) == []
    assert await usages_of(follower) == [(LATENCY, follower.name)]


async def test_out_of_order_versions_are_ignored(new_specification, events_of, deliver, usages_of):
    spec = new_specification(SPEED)
    [created] = events_of(spec)
    spec.update(
        SpecificationContent.validated(
            name=spec.name, description=None, characteristic_ids=[LATENCY]
        )
    )
    [updated] = events_of(spec)
    spec.delete()
    [deleted] = events_of(spec)
    await deliver(updated)
    await deliver(created)
    assert await usages_of(spec) == [(LATENCY, spec.name)]
    await deliver(deleted)
    await deliver(updated)  # redelivered by the broker? still older than the deletion
    assert await usages_of(spec) == []


async def test_poison_messages_land_in_the_dead_letter_queue(
    rabbitmq_url, specification_events, new_specification, events_of
):
    own_key = specification_events.own_key
    broken = CloudEvent.model_validate(
        {**events_of(new_specification(SPEED))[0].to_json_dict(), "data": {"id": "nonsense"}}
    )
    await publish_event(rabbitmq_url, own_key, b"[1, 2")
    await publish_event(rabbitmq_url, own_key, broken.to_json_bytes())
    dead = await collect_messages(
        rabbitmq_url, specification_events.queue.dead_letter_queue.name, 2, within=15
    )
    assert dead[0].body == b"[1, 2"
    assert CloudEvent.model_validate_json(dead[1].body).id == broken.id
