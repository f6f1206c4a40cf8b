"""Characteristic acceptance through the edge: CRUD with If-Match, exact problem bodies, and
one CloudEvent per change on catalog.events, also for changes made while RabbitMQ was down."""

from __future__ import annotations

import json
import uuid

import pytest

from catalog_testing import collect_messages, durable_probe_queue, rabbitmq_app_stopped

pytestmark = pytest.mark.system

BASE = "/api/v1/characteristics"


async def test_create_read_list_update_delete_with_one_event_per_change(
    edge, admin, user, rabbitmq_url
):
    name = f"Edge speed {uuid.uuid4().hex[:8]}"
    async with durable_probe_queue(rabbitmq_url, ["characteristic.#"]) as queue:
        created = await edge.post(
            BASE, json={"name": name, "value": "100", "unitOfMeasure": "Mbps"}, headers=admin
        )
        assert created.status_code == 201
        location = created.headers["location"]
        assert (await edge.get(location, headers=user)).json()["name"] == name
        listed = await edge.get(BASE, params={"name": name}, headers=user)
        assert listed.json()["total"] == 1 and listed.headers["x-total-count"] == "1"

        updated = await edge.put(
            location,
            json={"name": name, "value": "200", "unitOfMeasure": "Mbps"},
            headers={**admin, "If-Match": created.headers["etag"]},
        )
        assert updated.status_code == 200 and updated.headers["etag"] == '"2"'
        stale = await edge.put(
            location,
            json={"name": name, "value": "300", "unitOfMeasure": "Mbps"},
            headers={**admin, "If-Match": '"1"'},
        )
        assert stale.status_code == 412
        assert stale.headers["content-type"].startswith("application/problem+json")
        deleted = await edge.delete(location, headers={**admin, "If-Match": '"2"'})
        assert deleted.status_code == 204

        messages = await collect_messages(rabbitmq_url, queue, count=3, within=20)
        events = [json.loads(m.body) for m in messages]
        assert [e["type"] for e in events] == [
            "CharacteristicCreated",
            "CharacteristicUpdated",
            "CharacteristicDeleted",
        ]
        assert {e["subject"] for e in events} == {created.json()["id"]}


async def test_bad_input_gets_400_problems_naming_the_fields(edge, admin):
    response = await edge.post(
        BASE, json={"name": "Bad!", "value": "", "unitOfMeasure": "lightyears"}, headers=admin
    )
    assert response.status_code == 400
    problem = response.json()
    assert {e["field"] for e in problem["errors"]} == {"name", "value", "unitOfMeasure"}
    assert problem["correlationId"] == response.headers["x-correlation-id"]
    malformed = await edge.post(
        BASE, content=b"{not json", headers={**admin, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400


@pytest.mark.local_only
async def test_changes_made_while_the_broker_is_down_are_all_delivered(edge, admin, rabbitmq_url):
    async with durable_probe_queue(rabbitmq_url, ["characteristic.created"]) as queue:
        with rabbitmq_app_stopped():
            ids = []
            for index in range(3):
                response = await edge.post(
                    BASE,
                    json={
                        "name": f"Outage {index} {uuid.uuid4().hex[:6]}",
                        "value": "1",
                        "unitOfMeasure": "count",
                    },
                    headers=admin,
                )
                assert response.status_code == 201
                ids.append(response.json()["id"])
        messages = await collect_messages(rabbitmq_url, queue, count=3, within=90)
        assert sorted(json.loads(m.body)["subject"] for m in messages) == sorted(ids)
