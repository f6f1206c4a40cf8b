"""A specification used by an offering that is not RETIRED cannot be deleted: the usages
come from offering events published to catalog.events and consumed from the real broker."""

from __future__ import annotations

import uuid

import pytest

from catalog_chassis.messaging import CloudEvent
from catalog_testing import SnapshotEvents, assert_problem, collect_messages, publish_event

pytestmark = pytest.mark.integration

BASE = "/api/v1/specifications"


@pytest.fixture
async def specification(client, admin, new_characteristic) -> dict:
    characteristic = await new_characteristic()
    response = await client.post(
        BASE,
        json={"name": f"Fibre {uuid.uuid4().hex[:8]}", "characteristicIds": [characteristic["id"]]},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    return response.json()


def offering_using(*specification_ids: str) -> SnapshotEvents:
    return SnapshotEvents(
        "offering",
        name=f"Fibre deal {uuid.uuid4().hex[:6]}",
        specificationIds=list(specification_ids),
        priceIds=[],
        lifecycleStatus="DRAFT",
    )


async def test_delete_is_refused_while_an_offering_uses_it_and_works_once_retired(
    client, admin, specification, offering_events
):
    offering = offering_using(specification["id"])
    await offering_events.deliver(*offering.event("created"))
    await offering_events.deliver(*offering.event("published", lifecycleStatus="PUBLISHED"))

    url = f"{BASE}/{specification['id']}"
    problem = assert_problem(await client.delete(url, headers=admin), 409)
    name = offering.snapshot["name"]
    assert f"'{name}' ({offering.id})" in problem["detail"]
    assert (await client.get(url, headers=admin)).status_code == 200

    await offering_events.deliver(*offering.event("retired", lifecycleStatus="RETIRED"))
    assert (await client.delete(url, headers=admin)).status_code == 204


async def test_a_deleted_offering_releases_it_and_a_late_older_event_does_not_return(
    client, admin, specification, offering_events
):
    offering = offering_using(specification["id"])
    created = offering.event("created")
    updated = offering.event("updated", name=f"{offering.snapshot['name']} v2")
    deleted = offering.event("deleted")
    await offering_events.deliver(*created)
    await offering_events.deliver(*deleted)
    await offering_events.deliver(*updated)  # late: older than the deletion

    assert (await client.delete(f"{BASE}/{specification['id']}", headers=admin)).status_code == 204


async def test_a_malformed_offering_event_is_dead_lettered(rabbitmq_url, offering_events):
    _, created = offering_using(str(uuid.uuid4())).event("created")
    broken = CloudEvent.model_validate(
        {**created.to_json_dict(), "data": {**created.data, "lifecycleStatus": "LOST"}}
    )
    await publish_event(rabbitmq_url, offering_events.own_key, broken.to_json_bytes())
    [dead] = await collect_messages(
        rabbitmq_url, offering_events.queue.dead_letter_queue.name, 1, within=15
    )
    assert CloudEvent.model_validate_json(dead.body).id == broken.id
    assert not await offering_events.processed(broken)
