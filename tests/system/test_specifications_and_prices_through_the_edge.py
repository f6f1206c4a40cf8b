"""Specification and pricing acceptance through the edge, with every change on catalog.events."""

from __future__ import annotations

import json
import uuid

import pytest

from catalog_testing import collect_messages, durable_probe_queue

pytestmark = pytest.mark.system

CHARACTERISTICS = "/api/v1/characteristics"
SPECIFICATIONS = "/api/v1/specifications"
PRICES = "/api/v1/prices"


def tag() -> str:
    return uuid.uuid4().hex[:8]


async def test_specifications_check_references_and_protect_used_characteristics(
    edge, admin, rabbitmq_url, queue_drained
):
    async with durable_probe_queue(rabbitmq_url, ["specification.#"]) as queue:
        characteristic = await edge.post(
            CHARACTERISTICS,
            json={"name": f"Fresh {tag()}", "value": "1", "unitOfMeasure": "Gbps"},
            headers=admin,
        )
        cid = characteristic.json()["id"]
        # Referenced a moment after creation: accepted even before the event reaches the cache.
        name = f"Fibre {tag()}"
        spec = await edge.post(
            SPECIFICATIONS, json={"name": name, "characteristicIds": [cid, cid]}, headers=admin
        )
        assert spec.status_code == 201, spec.text
        assert spec.json()["characteristicIds"] == [cid]

        unknown = await edge.post(
            SPECIFICATIONS,
            json={"name": f"Ghost {tag()}", "characteristicIds": [str(uuid.uuid4())]},
            headers=admin,
        )
        assert unknown.status_code == 400
        assert unknown.json()["errors"][0]["field"] == "characteristicIds"
        empty = await edge.post(
            SPECIFICATIONS, json={"name": f"Empty {tag()}", "characteristicIds": []}, headers=admin
        )
        assert empty.status_code == 400
        duplicate = await edge.post(
            SPECIFICATIONS, json={"name": name.upper(), "characteristicIds": [cid]}, headers=admin
        )
        assert duplicate.status_code == 409

        [created_event] = await collect_messages(rabbitmq_url, queue, count=1)
        event = json.loads(created_event.body)
        assert event["type"] == "SpecificationCreated"
        assert event["data"]["characteristicIds"] == [cid]

        await queue_drained("characteristic.specifications")
        in_use = await edge.delete(f"{CHARACTERISTICS}/{cid}", headers=admin)
        assert in_use.status_code == 409
        assert name in in_use.json()["detail"]

        assert (await edge.delete(spec.headers["location"], headers=admin)).status_code == 204
        [deleted_event] = await collect_messages(rabbitmq_url, queue, count=1)
        assert json.loads(deleted_event.body)["type"] == "SpecificationDeleted"
        await queue_drained("characteristic.specifications")
        assert (await edge.delete(f"{CHARACTERISTICS}/{cid}", headers=admin)).status_code == 204


@pytest.mark.parametrize(
    ("value", "currency", "field"),
    [
        ("9.999", "EUR", "value"),
        ("0", "EUR", "value"),
        ("-5.00", "EUR", "value"),
        ("ten", "EUR", "value"),
        ("10.00", "GBP", "currency"),
    ],
)
async def test_prices_refuse_bad_amounts_and_currencies(edge, admin, value, currency, field):
    response = await edge.post(
        PRICES,
        json={"name": f"Bad {tag()}", "value": value, "unit": "per month", "currency": currency},
        headers=admin,
    )
    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}


async def test_a_locked_price_cannot_change_until_its_saga_unlocks_it(edge, admin, rabbitmq_url):
    async with durable_probe_queue(rabbitmq_url, ["price.#"]) as queue:
        body = {
            "name": f"Monthly {tag()}",
            "value": "19.99",
            "unit": "per month",
            "currency": "EUR",
        }
        created = await edge.post(PRICES, json=body, headers=admin)
        assert created.status_code == 201 and created.json()["value"] == "19.99"
        url = created.headers["location"]
        saga = str(uuid.uuid4())

        locked = await edge.post(f"{url}/lock", json={"sagaId": saga}, headers=admin)
        assert locked.status_code == 200 and locked.json()["lockedBySagaId"] == saga
        update = await edge.put(url, json={**body, "value": "29.99"}, headers=admin)
        assert update.status_code == 423
        assert (await edge.delete(url, headers=admin)).status_code == 423
        other = await edge.post(f"{url}/lock", json={"sagaId": str(uuid.uuid4())}, headers=admin)
        assert other.status_code == 409

        unlocked = await edge.post(f"{url}/unlock", json={"sagaId": saga}, headers=admin)
        assert unlocked.status_code == 200 and unlocked.json()["locked"] is False
        assert (await edge.delete(url, headers=admin)).status_code == 204

        messages = await collect_messages(rabbitmq_url, queue, count=4)
        assert [m.routing_key for m in messages] == [
            "price.created",
            "price.locked",
            "price.unlocked",
            "price.deleted",
        ]
