"""Offering acceptance through the edge: drafts, references checked against their owners,
the lifecycle's 409s, publish (202 PUBLISHING), usage integrity in the owners, and every
change on catalog.events as a CloudEvent."""

from __future__ import annotations

import json
import uuid

import pytest

from catalog_testing import collect_messages, durable_probe_queue, saga_ended

pytestmark = pytest.mark.system

CHARACTERISTICS = "/api/v1/characteristics"
SPECIFICATIONS = "/api/v1/specifications"
PRICES = "/api/v1/prices"
OFFERINGS = "/api/v1/offerings"


def tag() -> str:
    return uuid.uuid4().hex[:8]


async def a_specification(edge, admin) -> dict:
    characteristic = await edge.post(
        CHARACTERISTICS,
        json={"name": f"Speed {tag()}", "value": "100", "unitOfMeasure": "Mbps"},
        headers=admin,
    )
    assert characteristic.status_code == 201, characteristic.text
    spec = await edge.post(
        SPECIFICATIONS,
        json={"name": f"Fibre {tag()}", "characteristicIds": [characteristic.json()["id"]]},
        headers=admin,
    )
    assert spec.status_code == 201, spec.text
    return spec.json()


async def a_price(edge, admin) -> dict:
    price = await edge.post(
        PRICES,
        json={"name": f"Monthly {tag()}", "value": "29.99", "unit": "per month", "currency": "EUR"},
        headers=admin,
    )
    assert price.status_code == 201, price.text
    return price.json()


async def test_a_bare_draft_is_created_and_publishing_it_names_what_is_missing(edge, admin):
    created = await edge.post(OFFERINGS, json={"name": f"Bare {tag()}"}, headers=admin)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["lifecycleStatus"] == "DRAFT"
    assert created.headers["Location"] == f"{OFFERINGS}/{body['id']}"
    assert created.headers["ETag"] == '"1"'

    publish = await edge.post(f"{OFFERINGS}/{body['id']}/publish", headers=admin)

    assert publish.status_code == 400
    assert publish.headers["Content-Type"].startswith("application/problem+json")
    assert {e["field"] for e in publish.json()["errors"]} == {
        "specificationIds",
        "priceIds",
        "salesChannels",
    }


async def test_bad_references_names_and_channels_are_refused(edge, admin):
    ghost_spec, ghost_price = str(uuid.uuid4()), str(uuid.uuid4())
    unknown = await edge.post(
        OFFERINGS,
        json={
            "name": f"Ghost {tag()}",
            "specificationIds": [ghost_spec],
            "priceIds": [ghost_price],
        },
        headers=admin,
    )
    assert unknown.status_code == 400
    errors = {e["field"]: e["message"] for e in unknown.json()["errors"]}
    assert ghost_spec in errors["specificationIds"] and ghost_price in errors["priceIds"]

    channel = await edge.post(
        OFFERINGS, json={"name": f"Fax {tag()}", "salesChannels": ["FAX"]}, headers=admin
    )
    assert channel.status_code == 400
    assert channel.json()["errors"][0]["field"] == "salesChannels"

    name = f"Unique {tag()}"
    assert (await edge.post(OFFERINGS, json={"name": name}, headers=admin)).status_code == 201
    duplicate = await edge.post(OFFERINGS, json={"name": name.upper()}, headers=admin)
    assert duplicate.status_code == 409


async def test_the_lifecycle_refuses_what_its_state_does_not_allow(edge, admin, user):
    spec, price = await a_specification(edge, admin), await a_price(edge, admin)
    draft = await edge.post(
        OFFERINGS,
        json={
            "name": f"Complete {tag()}",
            "specificationIds": [spec["id"]],
            "priceIds": [price["id"]],
            "salesChannels": ["ONLINE", "MOBILE_APP"],
        },
        headers=admin,
    )
    assert draft.status_code == 201, draft.text
    url = f"{OFFERINGS}/{draft.json()['id']}"
    assert (await edge.post(f"{url}/retire", headers=admin)).status_code == 409
    assert (await edge.post(f"{url}/publish", headers=user)).status_code == 403

    publish = await edge.post(f"{url}/publish", headers=admin)

    assert publish.status_code == 202, publish.text
    assert publish.json()["lifecycleStatus"] == "PUBLISHING"
    assert publish.json()["sagaId"]
    # The saga publishes it; a published offering is no longer a draft to change.
    assert (await saga_ended(edge, admin, draft.json()["id"]))["lifecycleStatus"] == "PUBLISHED"
    for response in (
        await edge.patch(
            url,
            json={"description": "late"},
            headers={**admin, "Content-Type": "application/merge-patch+json"},
        ),
        await edge.put(url, json={"name": "Renamed"}, headers=admin),
        await edge.delete(url, headers=admin),
        await edge.post(f"{url}/publish", headers=admin),
    ):
        assert response.status_code == 409, response.text
        assert "PUBLISHED" in response.json()["detail"]
    retired = await edge.post(f"{url}/retire", headers=admin)
    assert retired.status_code == 200 and retired.json()["lifecycleStatus"] == "RETIRED"


async def test_a_specification_and_a_price_in_use_cannot_be_deleted_until_the_offering_is(
    edge, admin, rabbitmq_url, queue_drained
):
    spec, price = await a_specification(edge, admin), await a_price(edge, admin)

    async def delivered(queue, count: int = 1) -> None:
        """The offering's events are out of the outbox and routed to every consumer
        queue (the probe got them); then the owners' consumers have handled them."""
        await collect_messages(rabbitmq_url, queue, count=count)
        await queue_drained("specification.offerings")
        await queue_drained("pricing.offerings")

    async with durable_probe_queue(rabbitmq_url, ["offering.#"]) as queue:
        draft = await edge.post(
            OFFERINGS,
            json={
                "name": f"Uses {tag()}",
                "specificationIds": [spec["id"]],
                "priceIds": [price["id"]],
            },
            headers=admin,
        )
        assert draft.status_code == 201, draft.text
        offering_id = draft.json()["id"]
        await delivered(queue)

        spec_refused = await edge.delete(f"{SPECIFICATIONS}/{spec['id']}", headers=admin)
        price_refused = await edge.delete(f"{PRICES}/{price['id']}", headers=admin)

        assert spec_refused.status_code == 409, spec_refused.text
        assert price_refused.status_code == 409, price_refused.text
        assert offering_id in spec_refused.json()["detail"]
        assert offering_id in price_refused.json()["detail"]

        deleted = await edge.delete(f"{OFFERINGS}/{offering_id}", headers=admin)
        assert deleted.status_code == 204
        await delivered(queue)

    assert (await edge.delete(f"{SPECIFICATIONS}/{spec['id']}", headers=admin)).status_code == 204
    assert (await edge.delete(f"{PRICES}/{price['id']}", headers=admin)).status_code == 204


async def test_every_offering_change_arrives_as_a_cloudevent(edge, admin, rabbitmq_url):
    spec, price = await a_specification(edge, admin), await a_price(edge, admin)
    async with durable_probe_queue(rabbitmq_url, ["offering.#"]) as queue:
        created = await edge.post(OFFERINGS, json={"name": f"Events {tag()}"}, headers=admin)
        url = f"{OFFERINGS}/{created.json()['id']}"
        updated = await edge.put(
            url,
            json={
                "name": created.json()["name"],
                "specificationIds": [spec["id"]],
                "priceIds": [price["id"]],
                "salesChannels": ["PARTNER"],
            },
            headers={**admin, "If-Match": '"1"'},
        )
        assert updated.status_code == 200, updated.text
        assert (await edge.post(url, headers=admin)).status_code in (404, 405)
        assert (await edge.post(f"{url}/publish", headers=admin)).status_code == 202

        messages = await collect_messages(rabbitmq_url, queue, count=3)

    events = [json.loads(m.body) for m in messages]
    assert [m.routing_key for m in messages] == [
        "offering.created",
        "offering.updated",
        "offering.publication_initiated",
    ]
    assert [e["type"] for e in events] == [
        "OfferingCreated",
        "OfferingUpdated",
        "OfferingPublicationInitiated",
    ]
    last = events[-1]
    assert last["specversion"] == "1.0" and last["source"] == "/catalog/offering"
    assert last["subject"] == created.json()["id"]
    assert last["data"]["lifecycleStatus"] == "PUBLISHING"
    assert last["data"]["priceIds"] == [price["id"]]
    assert last["data"]["sagaId"] and last["data"]["version"] == 3


async def test_sales_channels_are_listed(edge, user):
    response = await edge.get(f"{OFFERINGS}/sales-channels", headers=user)
    assert [c["value"] for c in response.json()] == [
        "ONLINE",
        "MOBILE_APP",
        "RETAIL_STORE",
        "CALL_CENTER",
        "PARTNER",
    ]


async def test_offerings_are_filtered_by_status_and_paged(edge, admin, user):
    marker = tag()
    for index in range(3):
        await edge.post(OFFERINGS, json={"name": f"Paged {marker} {index}"}, headers=admin)
    response = await edge.get(
        OFFERINGS,
        params={"name": f"paged {marker}", "lifecycleStatus": "DRAFT", "limit": 2, "sort": "-name"},
        headers=user,
    )
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 0)
    assert response.headers["X-Total-Count"] == "3"
    assert [o["name"] for o in body["items"]] == [f"Paged {marker} 2", f"Paged {marker} 1"]
    bad = await edge.get(OFFERINGS, params={"lifecycleStatus": "LIVE"}, headers=user)
    assert bad.status_code == 400
