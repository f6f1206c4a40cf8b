"""Offering changes reach catalog.events through the outbox as CloudEvents with their
routing keys. Real Postgres, real RabbitMQ, the service's own app and outbox relay."""

from __future__ import annotations

import json
import uuid

import pytest

from catalog_testing import (
    collect_messages,
    durable_probe_queue,
    eventually,
    outbox_drained,
    running_outbox_relay,
)

pytestmark = pytest.mark.integration

BASE = "/api/v1/offerings"


@pytest.fixture
async def relay(database_url, rabbitmq_url, sql):
    async with running_outbox_relay(database_url, rabbitmq_url, app_id="offering") as relay:
        await eventually(lambda: outbox_drained(sql), within=30)
        yield relay


async def test_every_lifecycle_change_is_published_with_its_snapshot(
    app, client, admin, relay, rabbitmq_url, known_specification, new_price
):
    offerings = app.state.container.offerings
    async with durable_probe_queue(rabbitmq_url, ["offering.#"]) as queue:
        correlation = f"test-{uuid.uuid4()}"
        created = await client.post(
            BASE,
            json={
                "name": f"Lifecycle {uuid.uuid4().hex[:8]}",
                "specificationIds": [await known_specification()],
                "priceIds": [(await new_price())["id"]],
                "salesChannels": ["CALL_CENTER"],
            },
            headers={**admin, "X-Correlation-ID": correlation},
        )
        assert created.status_code == 201, created.text
        offering_id = uuid.UUID(created.json()["id"])
        saga_id = uuid.UUID(
            (await client.post(f"{BASE}/{offering_id}/publish", headers=admin)).json()["sagaId"]
        )
        # The saga's workers call these use cases; no public route reaches them.
        await offerings.fail_publication(offering_id, saga_id, "Price 'Monthly' is locked")
        second = uuid.UUID(
            (await client.post(f"{BASE}/{offering_id}/publish", headers=admin)).json()["sagaId"]
        )
        await offerings.confirm_publication(offering_id, second)
        await client.post(f"{BASE}/{offering_id}/retire", headers=admin)

        messages = await collect_messages(rabbitmq_url, queue, count=6)

    assert [m.routing_key for m in messages] == [
        "offering.created",
        "offering.publication_initiated",
        "offering.publication_failed",
        "offering.publication_initiated",
        "offering.published",
        "offering.retired",
    ]
    events = [json.loads(m.body) for m in messages]
    assert events[0]["correlationid"] == correlation
    assert [e["data"]["version"] for e in events] == [1, 2, 3, 4, 5, 6]
    failed = events[2]["data"]
    assert failed["lifecycleStatus"] == "DRAFT"
    assert failed["publicationFailureReason"] == "Price 'Monthly' is locked"
    assert failed["sagaId"] == str(saga_id)
    assert events[4]["data"]["publishedAt"] is not None
    assert events[5]["type"] == "OfferingRetired"
    assert events[5]["data"]["retiredAt"] is not None
