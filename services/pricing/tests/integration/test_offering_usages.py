"""A price used by an offering that is not RETIRED cannot be deleted: the usages come from
offering events published to catalog.events and consumed from the real broker by the
pricing consumers process' handler."""

from __future__ import annotations

import uuid

import pytest

from catalog_chassis.messaging import CloudEvent
from catalog_testing import SnapshotEvents, assert_problem, collect_messages

pytestmark = pytest.mark.integration

BASE = "/api/v1/prices"


@pytest.fixture
def new_price(client, admin):
    async def create() -> dict:
        response = await client.post(
            BASE,
            json={
                "name": f"Basic {uuid.uuid4().hex[:8]}",
                "value": "19.99",
                "unit": "per month",
                "currency": "EUR",
            },
            headers=admin,
        )
        assert response.status_code == 201, response.text
        return response.json()

    return create


def offering_pricing(*price_ids: str, name: str) -> SnapshotEvents:
    return SnapshotEvents(
        "offering",
        name=f"{name} {uuid.uuid4().hex[:6]}",
        specificationIds=[str(uuid.uuid4())],
        priceIds=list(price_ids),
        lifecycleStatus="DRAFT",
    )


async def test_delete_is_refused_naming_the_offerings_until_none_uses_it(
    client, admin, new_price, offering_events
):
    basic, extra = await new_price(), await new_price()
    fibre = offering_pricing(basic["id"], extra["id"], name="Fibre")
    mobile = offering_pricing(basic["id"], name="Mobile")
    await offering_events.deliver(*fibre.event("created"))
    await offering_events.deliver(*mobile.event("created"))
    await offering_events.deliver(
        *mobile.event("publication_initiated", lifecycleStatus="PUBLISHING")
    )

    url = f"{BASE}/{basic['id']}"
    problem = assert_problem(await client.delete(url, headers=admin), 409)
    for offering in (fibre, mobile):
        assert f"'{offering.snapshot['name']}' ({offering.id})" in problem["detail"]
    assert problem["detail"].startswith(f"The price '{basic['name']}' is used by offerings ")
    assert (await client.get(url, headers=admin)).status_code == 200

    # Mobile's publication goes through and it is retired; Fibre is deleted as a draft.
    await offering_events.deliver(*mobile.event("published", lifecycleStatus="PUBLISHED"))
    still_used = assert_problem(await client.delete(url, headers=admin), 409)
    assert mobile.snapshot["name"] in still_used["detail"]
    await offering_events.deliver(*mobile.event("retired", lifecycleStatus="RETIRED"))
    await offering_events.deliver(*fibre.event("deleted"))

    assert (await client.delete(url, headers=admin)).status_code == 204
    assert (await client.delete(f"{BASE}/{extra['id']}", headers=admin)).status_code == 204


async def test_an_update_dropping_the_price_releases_it_and_a_redelivery_changes_nothing(
    client, admin, new_price, offering_events, sql
):
    price = await new_price()
    offering = offering_pricing(price["id"], name="Fibre")
    created = offering.event("created")
    await offering_events.deliver(*created)
    await offering_events.deliver(*offering.event("updated", priceIds=[]))
    await offering_events.deliver(*created, wait=False)  # the broker redelivers the first one
    follower = offering_pricing(name="Combo")
    await offering_events.deliver(*follower.event("created"))  # one queue: handled after it

    rows = await sql("SELECT offering_id FROM price_usages WHERE price_id = :p", p=price["id"])
    assert rows == []
    assert (await client.delete(f"{BASE}/{price['id']}", headers=admin)).status_code == 204


async def test_a_retired_offering_releases_the_prices_its_saga_locked(
    client, admin, new_price, offering_events
):
    saga_id = str(uuid.uuid4())
    mine, theirs = await new_price(), await new_price()
    for price, saga in ((mine, saga_id), (theirs, str(uuid.uuid4()))):
        locked = await client.post(
            f"{BASE}/{price['id']}/lock", json={"sagaId": saga}, headers=admin
        )
        assert locked.status_code == 200, locked.text
    offering = offering_pricing(mine["id"], theirs["id"], name="Retiring")
    await offering_events.deliver(*offering.event("created"))
    await offering_events.deliver(
        *offering.event("published", lifecycleStatus="PUBLISHED", sagaId=saga_id)
    )
    retired = offering.event("retired", lifecycleStatus="RETIRED", sagaId=saga_id)

    await offering_events.deliver(*retired)
    await offering_events.deliver(*retired)  # redelivered: no harm

    read = [(await client.get(f"{BASE}/{p['id']}", headers=admin)).json() for p in (mine, theirs)]
    assert read[0]["lockedBySagaId"] is None
    assert read[1]["lockedBySagaId"] not in (None, saga_id)  # another saga's lock stays


async def test_a_retired_offering_with_an_unreadable_saga_id_is_dead_lettered_at_once(
    rabbitmq_url, offering_events
):
    offering = offering_pricing(str(uuid.uuid4()), name="Garbled")
    offering.event("created")
    _, retired = offering.event("retired", lifecycleStatus="RETIRED", sagaId="not-a-uuid")

    # To this consumer's own key: the platform's consumers must not see bad data.
    await offering_events.deliver(offering_events.own_key, retired, wait=False)

    [dead] = await collect_messages(
        rabbitmq_url, offering_events.queue.dead_letter_queue.name, 1, within=15
    )
    assert CloudEvent.model_validate_json(dead.body).id == retired.id
    assert dead.headers["catalog-dead-letter-reason"] == "poison"
    assert dead.headers["catalog-attempts"] == 1
    assert not await offering_events.processed(retired)
