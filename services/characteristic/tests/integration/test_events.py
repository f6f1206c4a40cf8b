"""Characteristic changes reach catalog.events through the outbox — also while the broker is
down. Real Postgres, real RabbitMQ, the service's own app and outbox relay."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from catalog_testing import (
    collect_messages,
    durable_probe_queue,
    eventually,
    rabbitmq_app_stopped,
    running_outbox_relay,
)

pytestmark = pytest.mark.integration

BASE = "/api/v1/characteristics"


@pytest.fixture
async def relay(database_url, rabbitmq_url):
    async with running_outbox_relay(database_url, rabbitmq_url, app_id="characteristic") as relay:
        yield relay


def cloud_event(message) -> dict:
    return json.loads(message.body)


async def messages_about(rabbitmq_url: str, queue: str, subject: str, count: int) -> list:
    """The next ``count`` messages about ``subject``: the relay also publishes what earlier
    tests of the session left pending in the shared database."""
    found = []
    while len(found) < count:
        [message] = await collect_messages(rabbitmq_url, queue, count=1)
        if cloud_event(message)["subject"] == subject:
            found.append(message)
    return found


async def test_each_change_arrives_once_as_a_cloudevent_with_correlation_and_trace(
    client, admin, relay, rabbitmq_url, outbox
):
    name = f"Latency {uuid.uuid4().hex[:8]}"
    async with durable_probe_queue(rabbitmq_url, ["characteristic.#"]) as queue:
        correlation = f"test-{uuid.uuid4()}"
        created = await client.post(
            BASE,
            json={"name": name, "value": "5", "unitOfMeasure": "ms"},
            headers={**admin, "X-Correlation-ID": correlation},
        )
        assert created.status_code == 201
        cid = created.json()["id"]
        await client.patch(f"{BASE}/{cid}", json={"value": "7"}, headers=admin)
        await client.delete(f"{BASE}/{cid}", headers=admin)

        messages = await messages_about(rabbitmq_url, queue, cid, count=3)
        events = [cloud_event(m) for m in messages]
        assert [m.routing_key for m in messages] == [
            "characteristic.created",
            "characteristic.updated",
            "characteristic.deleted",
        ]
        assert [e["type"] for e in events] == [
            "CharacteristicCreated",
            "CharacteristicUpdated",
            "CharacteristicDeleted",
        ]
        first = events[0]
        assert first["specversion"] == "1.0" and first["source"] == "/catalog/characteristic"
        assert first["subject"] == cid and first["datacontenttype"] == "application/json"
        assert first["correlationid"] == correlation
        assert first["data"] == {**created.json()}
        assert [e["data"]["version"] for e in events] == [1, 2, 3]
        assert len({e["id"] for e in events}) == 3
        assert messages[0].headers.get("traceparent")
        assert messages[0].delivery_mode.value == 2  # persistent

    async def all_sent() -> bool:
        return {row["status"] for row in await outbox(cid)} == {"SENT"}

    await eventually(all_sent)


async def test_writes_succeed_while_the_broker_is_down_and_every_event_follows(
    client, admin, relay, rabbitmq_url, outbox
):
    async with durable_probe_queue(rabbitmq_url, ["characteristic.created"]) as queue:
        with rabbitmq_app_stopped():
            ids = []
            for index in range(3):
                response = await client.post(
                    BASE,
                    json={
                        "name": f"Offline {index} {uuid.uuid4().hex[:6]}",
                        "value": "1",
                        "unitOfMeasure": "count",
                    },
                    headers=admin,
                )
                assert response.status_code == 201
                ids.append(response.json()["id"])

            async def failed_attempt_recorded() -> bool:
                rows = await outbox(ids[0])
                return rows[0]["status"] == "PENDING" and rows[0]["attempts"] >= 1

            await eventually(failed_attempt_recorded, within=15)
            assert (await outbox(ids[0]))[0]["last_error"]

        messages = await collect_messages(rabbitmq_url, queue, count=3, within=60)
        assert sorted(cloud_event(m)["subject"] for m in messages) == sorted(ids)
        await asyncio.sleep(0.5)
        for cid in ids:
            assert [row["status"] for row in await outbox(cid)] == ["SENT"]


async def test_a_refused_change_writes_no_event(client, admin, sql):
    name = f"Refused {uuid.uuid4().hex[:8]}"
    first = await client.post(
        BASE, json={"name": name, "value": "1", "unitOfMeasure": "count"}, headers=admin
    )
    duplicate = await client.post(
        BASE, json={"name": name.upper(), "value": "2", "unitOfMeasure": "count"}, headers=admin
    )
    assert duplicate.status_code == 409
    [count] = await sql(
        "SELECT count(*) AS events FROM outbox WHERE payload->'data'->>'value' = '2' "
        "AND aggregate_type = 'characteristic' AND payload->'data'->>'name' = :n",
        n=name.upper(),
    )
    assert count["events"] == 0
    assert first.status_code == 201


async def test_concurrent_updates_from_the_same_version_let_only_one_win(client, admin):
    created = await client.post(
        BASE,
        json={"name": f"Race {uuid.uuid4().hex[:8]}", "value": "1", "unitOfMeasure": "count"},
        headers=admin,
    )
    url = f"{BASE}/{created.json()['id']}"
    name = created.json()["name"]
    responses = await asyncio.gather(
        *[
            client.put(
                url,
                json={"name": name, "value": str(v), "unitOfMeasure": "count"},
                headers={**admin, "If-Match": '"1"'},
            )
            for v in (2, 3, 4)
        ]
    )
    assert sorted(r.status_code for r in responses) == [200, 412, 412]
    final = (await client.get(url, headers=admin)).json()
    assert final["version"] == 2
