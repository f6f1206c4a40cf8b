"""Price changes reach catalog.events through the outbox, also while the broker is down, and
saga locks hold under concurrency. Real Postgres, real RabbitMQ, the service's own app and
outbox relay."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from catalog_testing import (
    collect_messages,
    durable_probe_queue,
    eventually,
    outbox_drained,
    rabbitmq_app_stopped,
    running_outbox_relay,
)

pytestmark = pytest.mark.integration

BASE = "/api/v1/prices"


def price_body(name: str | None = None, value: str = "19.99") -> dict:
    return {
        "name": name or f"Price {uuid.uuid4().hex[:8]}",
        "value": value,
        "unit": "per month",
        "currency": "EUR",
    }


@pytest.fixture
async def relay(database_url, rabbitmq_url, sql):
    async with running_outbox_relay(database_url, rabbitmq_url, app_id="pricing") as relay:
        # Earlier tests leave events behind; a probe queue must see only its own test's.
        await eventually(lambda: outbox_drained(sql), within=30)
        yield relay


def cloud_event(message) -> dict:
    return json.loads(message.body)


async def create(client, admin, **kwargs) -> dict:
    response = await client.post(BASE, json=price_body(**kwargs), headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


async def test_every_price_event_arrives_as_a_cloudevent_with_its_routing_key(
    client, admin, relay, rabbitmq_url
):
    saga = str(uuid.uuid4())
    async with durable_probe_queue(rabbitmq_url, ["price.#"]) as queue:
        correlation = f"test-{uuid.uuid4()}"
        created = await client.post(
            BASE, json=price_body(value="20"), headers={**admin, "X-Correlation-ID": correlation}
        )
        assert created.status_code == 201
        price_id = created.json()["id"]
        url = f"{BASE}/{price_id}"
        assert (await client.patch(url, json={"value": 24.5}, headers=admin)).status_code == 200
        assert (await client.post(f"{url}/lock", json={"sagaId": saga}, headers=admin)).is_success
        assert (await client.post(f"{url}/unlock", json={"sagaId": saga}, headers=admin)).is_success
        assert (await client.delete(url, headers=admin)).status_code == 204

        messages = await collect_messages(rabbitmq_url, queue, count=5)
        events = [cloud_event(m) for m in messages]
        assert [m.routing_key for m in messages] == [
            "price.created",
            "price.updated",
            "price.locked",
            "price.unlocked",
            "price.deleted",
        ]
        assert [e["type"] for e in events] == [
            "PriceCreated",
            "PriceUpdated",
            "PriceLocked",
            "PriceUnlocked",
            "PriceDeleted",
        ]
        assert [m.content_type for m in messages] == ["application/cloudevents+json"] * 5
        for event in events:
            assert event["specversion"] == "1.0" and event["source"] == "/catalog/pricing"
            assert event["subject"] == price_id and event["datacontenttype"] == "application/json"
            uuid.UUID(event["id"])
        assert len({e["id"] for e in events}) == 5
        assert events[0]["correlationid"] == correlation
        assert events[0]["data"] == created.json()
        assert [e["data"]["version"] for e in events] == [1, 2, 3, 4, 5]
        assert [e["data"]["value"] for e in events] == ["20.00", "24.50", "24.50", "24.50", "24.50"]
        assert [e["data"]["locked"] for e in events] == [False, False, True, False, False]
        assert [e["data"]["lockedBySagaId"] for e in events] == [None, None, saga, None, None]
        assert set(events[2]["data"]) == {
            "id",
            "name",
            "value",
            "unit",
            "currency",
            "locked",
            "lockedBySagaId",
            "version",
            "createdAt",
            "updatedAt",
        }


async def test_writes_succeed_while_the_broker_is_down_and_every_event_follows(
    client, admin, relay, rabbitmq_url, outbox
):
    saga = str(uuid.uuid4())
    async with durable_probe_queue(rabbitmq_url, ["price.created", "price.locked"]) as queue:
        with rabbitmq_app_stopped():
            ids = [(await create(client, admin))["id"] for _ in range(3)]
            locked = await client.post(
                f"{BASE}/{ids[0]}/lock", json={"sagaId": saga}, headers=admin
            )
            assert locked.status_code == 200

            async def failed_attempt_recorded() -> bool:
                rows = await outbox(ids[0])
                return rows[0]["status"] == "PENDING" and rows[0]["attempts"] >= 1

            await eventually(failed_attempt_recorded, within=15)
            assert (await outbox(ids[0]))[0]["last_error"]

        messages = await collect_messages(rabbitmq_url, queue, count=4, within=60)
        delivered = sorted((m.routing_key, cloud_event(m)["subject"]) for m in messages)
        assert delivered == sorted([("price.created", i) for i in ids] + [("price.locked", ids[0])])

        async def all_sent() -> bool:
            rows = [row for i in ids for row in await outbox(i)]
            return all(row["status"] == "SENT" for row in rows)

        await eventually(all_sent)


async def test_a_refused_change_writes_no_event(client, admin, outbox):
    saga, intruder = str(uuid.uuid4()), str(uuid.uuid4())
    created = await create(client, admin)
    url = f"{BASE}/{created['id']}"
    assert (await client.post(f"{url}/lock", json={"sagaId": saga}, headers=admin)).is_success
    before = [row["event_type"] for row in await outbox(created["id"])]
    assert before == ["PriceCreated", "PriceLocked"]

    refusals = [
        await client.put(url, json=price_body(created["name"], value="1"), headers=admin),
        await client.patch(url, json={"value": "1"}, headers=admin),
        await client.delete(url, headers=admin),
        await client.post(f"{url}/lock", json={"sagaId": intruder}, headers=admin),
        await client.post(f"{url}/unlock", json={"sagaId": intruder}, headers=admin),
        await client.post(BASE, json=price_body(created["name"].upper()), headers=admin),
    ]
    assert [r.status_code for r in refusals] == [423, 423, 423, 409, 409, 409]
    repeated = await client.post(f"{url}/lock", json={"sagaId": saga}, headers=admin)
    assert repeated.status_code == 200

    assert [row["event_type"] for row in await outbox(created["id"])] == before
    assert (await client.get(url, headers=admin)).json()["version"] == 2


async def test_concurrent_lock_attempts_by_different_sagas_let_exactly_one_win(
    client, admin, outbox
):
    created = await create(client, admin)
    url = f"{BASE}/{created['id']}/lock"
    sagas = [str(uuid.uuid4()) for _ in range(5)]
    responses = await asyncio.gather(
        *[client.post(url, json={"sagaId": saga}, headers=admin) for saga in sagas]
    )
    # Row locks make the losers see the winner's lock: a 409 naming it, never a 412.
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409, 409]
    [winner] = [r.json()["lockedBySagaId"] for r in responses if r.status_code == 200]
    assert winner in sagas
    for loser in (r for r in responses if r.status_code == 409):
        assert winner in loser.json()["detail"]

    current = (await client.get(f"{BASE}/{created['id']}", headers=admin)).json()
    assert current["lockedBySagaId"] == winner and current["version"] == 2
    rows = await outbox(created["id"])
    assert [row["event_type"] for row in rows] == ["PriceCreated", "PriceLocked"]
    assert rows[1]["payload"]["data"]["lockedBySagaId"] == winner


async def test_concurrent_retries_by_the_same_saga_lock_once(client, admin, outbox):
    created = await create(client, admin)
    saga = {"sagaId": str(uuid.uuid4())}
    responses = await asyncio.gather(
        *[client.post(f"{BASE}/{created['id']}/lock", json=saga, headers=admin) for _ in range(3)]
    )
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert {r.json()["version"] for r in responses} == {2}
    rows = await outbox(created["id"])
    assert [row["event_type"] for row in rows] == ["PriceCreated", "PriceLocked"]
