"""Specification changes reach catalog.events through the outbox: real Postgres, real
RabbitMQ, the service's app and the chassis outbox relay."""

from __future__ import annotations

import json
import uuid

import pytest

from catalog_testing import (
    collect_messages,
    durable_probe_queue,
    eventually,
    running_outbox_relay,
)

pytestmark = pytest.mark.integration

BASE = "/api/v1/specifications"


@pytest.fixture
async def relay(database_url, rabbitmq_url):
    async with running_outbox_relay(database_url, rabbitmq_url, app_id="specification") as relay:
        yield relay


async def events_about(rabbitmq_url: str, queue: str, subject: str, count: int) -> list:
    """The next ``count`` messages about ``subject`` (the session's other specifications
    may have events in flight too)."""
    found = []
    while len(found) < count:
        [message] = await collect_messages(rabbitmq_url, queue, 1, within=15)
        if json.loads(message.body)["subject"] == subject:
            found.append(message)
    return found


async def test_each_change_arrives_once_as_a_cloudevent_with_the_full_snapshot(
    client, admin, relay, rabbitmq_url, new_characteristic, sql
):
    first, second = (await new_characteristic())["id"], (await new_characteristic())["id"]
    async with durable_probe_queue(rabbitmq_url, ["specification.#"]) as queue:
        correlation = f"test-{uuid.uuid4()}"
        created = await client.post(
            BASE,
            json={"name": f"Fibre {uuid.uuid4().hex[:8]}", "characteristicIds": [first]},
            headers={**admin, "X-Correlation-ID": correlation},
        )
        assert created.status_code == 201, created.text
        sid = created.json()["id"]
        patched = await client.patch(
            f"{BASE}/{sid}", json={"characteristicIds": [second, first]}, headers=admin
        )
        assert patched.status_code == 200, patched.text
        assert (await client.delete(f"{BASE}/{sid}", headers=admin)).status_code == 204

        messages = await events_about(rabbitmq_url, queue, sid, 3)
        events = [json.loads(m.body) for m in messages]
        assert [m.routing_key for m in messages] == [
            "specification.created",
            "specification.updated",
            "specification.deleted",
        ]
        assert [e["type"] for e in events] == [
            "SpecificationCreated",
            "SpecificationUpdated",
            "SpecificationDeleted",
        ]
        assert events[0]["source"] == "/catalog/specification"
        assert events[0]["correlationid"] == correlation
        assert events[0]["data"] == created.json()
        assert events[1]["data"] == patched.json()
        assert events[1]["data"]["characteristicIds"] == [second, first]
        assert [e["data"]["version"] for e in events] == [1, 2, 3]
        assert messages[0].headers.get("traceparent")

    async def all_sent() -> bool:
        rows = await sql("SELECT status FROM outbox WHERE aggregate_id = :id", id=sid)
        return {row["status"] for row in rows} == {"SENT"}

    await eventually(all_sent)


async def test_a_refused_change_writes_no_event(client, admin, sql):
    name = f"Refused {uuid.uuid4().hex[:8]}"
    response = await client.post(
        BASE, json={"name": name, "characteristicIds": [str(uuid.uuid4())]}, headers=admin
    )
    assert response.status_code == 400
    rows = await sql("SELECT 1 FROM outbox WHERE payload->'data'->>'name' = :n", n=name)
    assert rows == []
