"""The store through the edge: a published offering is composed from its parts, found by
full text, counted in the facets, filtered by price and channel; part changes reach it;
duplicate and late events change nothing; a stopped projection catches up; a rebuild keeps
the API answering. Offerings are published by the real publication saga."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from catalog_testing import publish_event, saga_ended

pytestmark = pytest.mark.system

REPO = Path(__file__).resolve().parents[2]
STORE = "/api/v1/store"
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


def tag() -> str:
    return uuid.uuid4().hex[:8]


async def create(edge, admin, path: str, body: dict) -> dict:
    response = await edge.post(path, json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


async def published_offering(edge, admin, rabbitmq_url, *, value_word: str, price: str) -> dict:
    """A complete offering, published; returns ids and names of everything in it."""
    characteristic = await create(
        edge,
        admin,
        "/api/v1/characteristics",
        {"name": f"Speed {tag()}", "value": f"{value_word} 500", "unitOfMeasure": "Mbps"},
    )
    speed = await create(
        edge,
        admin,
        "/api/v1/characteristics",
        {"name": f"Downlink {tag()}", "value": "500", "unitOfMeasure": "Mbps"},
    )
    specification = await create(
        edge,
        admin,
        "/api/v1/specifications",
        {"name": f"Fibre {tag()}", "characteristicIds": [characteristic["id"], speed["id"]]},
    )
    price_body = await create(
        edge,
        admin,
        "/api/v1/prices",
        {"name": f"Monthly {tag()}", "value": price, "unit": "per month", "currency": "EUR"},
    )
    offering = await create(
        edge,
        admin,
        "/api/v1/offerings",
        {
            "name": f"Home {tag()}",
            "description": "Fast home internet",
            "specificationIds": [specification["id"]],
            "priceIds": [price_body["id"]],
            "salesChannels": ["ONLINE", "PARTNER"],
        },
    )
    publishing = await edge.post(f"/api/v1/offerings/{offering['id']}/publish", headers=admin)
    assert publishing.status_code == 202, publishing.text
    published = await saga_ended(edge, admin, offering["id"])
    assert published["lifecycleStatus"] == "PUBLISHED", published
    return {
        "offering": published,
        "characteristic": characteristic,
        "speed": speed,
        "specification": specification,
        "price": price_body,
    }


async def emit(rabbitmq_url, routing_key, event_type, data, *, event_id=None) -> str:
    event_id = event_id or str(uuid.uuid4())
    body = {
        "specversion": "1.0",
        "id": event_id,
        "source": "/catalog/offering",
        "type": event_type,
        "time": datetime.now(UTC).isoformat(),
        "subject": data["id"],
        "datacontenttype": "application/json",
        "correlationid": f"store-system-{tag()}",
        "data": data,
    }
    await publish_event(rabbitmq_url, routing_key, json.dumps(body).encode())
    return event_id


async def eventually(check, within: float = 10.0, interval: float = 0.1):
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)


async def in_store(edge, offering_id: str):
    async def found():
        response = await edge.get(f"{STORE}/offerings/{offering_id}")
        return response.json() if response.status_code == 200 else None

    return await eventually(found)


async def search_ids(edge, **params) -> tuple[list[str], dict]:
    response = await edge.get(f"{STORE}/search", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    return [item["id"] for item in body["items"]], body


async def test_a_published_offering_is_composed_searchable_counted_and_filtered(
    edge, admin, rabbitmq_url
):
    word = f"Hyperfibre{tag()}"
    made = await published_offering(edge, admin, rabbitmq_url, value_word=word, price="31.50")
    offering_id = made["offering"]["id"]

    document = await in_store(edge, offering_id)

    assert document["name"] == made["offering"]["name"]
    assert document["salesChannels"] == ["ONLINE", "PARTNER"]
    [specification] = document["specifications"]
    assert specification["id"] == made["specification"]["id"]
    assert {c["id"] for c in specification["characteristics"]} == {
        made["characteristic"]["id"],
        made["speed"]["id"],
    }
    assert document["prices"] == [
        {
            "id": made["price"]["id"],
            "name": made["price"]["name"],
            "value": "31.50",
            "unit": "per month",
            "currency": "EUR",
        }
    ]

    # Full text by a word of a characteristic value (the index is written just after the
    # document store, so wait for it), with a typo too.
    async def found_by_text():
        found, body = await search_ids(edge, q=word.lower())
        return body if offering_id in found else None

    body = await eventually(found_by_text)
    typo, _ = await search_ids(edge, q=word[:-1].lower() + "x")
    assert offering_id in typo
    # Facets count it.
    facets = body["facets"]
    assert {
        "name": made["speed"]["name"],
        "value": "500",
        "unitOfMeasure": "Mbps",
        "count": 1,
    } in facets["characteristics"]
    assert {"value": "PARTNER", "count": 1} in facets["salesChannels"]
    assert facets["price"] == {"min": 31.5, "max": 31.5}
    # Price range and channel filters include and exclude it.
    name = made["speed"]["name"]
    inside, _ = await search_ids(edge, characteristic=name, minPrice="30", maxPrice="32")
    outside, _ = await search_ids(edge, characteristic=name, minPrice="32", maxPrice="40")
    by_channel, _ = await search_ids(edge, characteristic=name, channel=["PARTNER", "MOBILE_APP"])
    wrong_channel, _ = await search_ids(edge, characteristic=name, channel="RETAIL_STORE")
    fast, _ = await search_ids(edge, characteristic=name, **{"unit.Mbps.min": "400"})
    too_slow, _ = await search_ids(edge, characteristic=name, **{"unit.Mbps.min": "600"})
    assert (inside, outside) == ([offering_id], [])
    assert (by_channel, wrong_channel) == ([offering_id], [])
    assert (fast, too_slow) == ([offering_id], [])


async def test_a_characteristic_change_reaches_the_store_within_a_second(edge, admin, rabbitmq_url):
    made = await published_offering(edge, admin, rabbitmq_url, value_word="Steady", price="10")
    offering_id = made["offering"]["id"]
    await in_store(edge, offering_id)
    characteristic = made["characteristic"]
    started = asyncio.get_running_loop().time()

    patched = await edge.patch(
        f"/api/v1/characteristics/{characteristic['id']}",
        json={"value": "Changed 750"},
        headers={**admin, **MERGE_PATCH},
    )
    assert patched.status_code == 200, patched.text

    async def changed():
        document = (await edge.get(f"{STORE}/offerings/{offering_id}")).json()
        values = {c["value"] for c in document["specifications"][0]["characteristics"]}
        return "Changed 750" in values

    await eventually(changed, within=5.0, interval=0.05)
    assert asyncio.get_running_loop().time() - started < 1.0


@pytest.mark.local_only
async def test_duplicates_and_late_events_change_nothing(edge, admin, rabbitmq_url):
    made = await published_offering(edge, admin, rabbitmq_url, value_word="Twice", price="12")
    offering = made["offering"]
    document = await in_store(edge, offering["id"])

    # The same retirement delivered twice would remove it once; an older draft snapshot
    # arriving late must not take the published offering out of the store.
    late_draft = {**offering, "lifecycleStatus": "DRAFT", "version": offering["version"] - 2}
    await emit(rabbitmq_url, "offering.updated", "OfferingUpdated", late_draft)
    event_id = str(uuid.uuid4())
    # The price as its owner holds it now (the saga's lock made a version of its own).
    price = (await edge.get(f"/api/v1/prices/{made['price']['id']}", headers=admin)).json()
    cheaper = {**price, "value": "11.00", "version": price["version"] + 1}
    for _ in range(2):
        await emit(rabbitmq_url, "price.updated", "PriceUpdated", cheaper, event_id=event_id)

    async def cheaper_price():
        body = (await edge.get(f"{STORE}/offerings/{offering['id']}")).json()
        return body if body["prices"][0]["value"] == "11.00" else None

    updated = await eventually(cheaper_price)
    # Still the published offering's version: the late draft changed nothing.
    assert updated["version"] == offering["version"] >= document["version"]
    assert (await edge.get(f"{STORE}/offerings/{offering['id']}")).status_code == 200


def store_consumers_pid() -> int:
    return int((REPO / ".local" / "pids" / "store-consumers.pid").read_text().split()[0])


async def platform_up() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "dev/platform.py",
        "up",
        "--services",
        "store",
        cwd=REPO,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert await asyncio.wait_for(process.wait(), 300) == 0


@pytest.mark.local_only
async def test_changes_made_while_the_projection_is_stopped_are_caught_up(
    edge, admin, rabbitmq_url
):
    made = await published_offering(edge, admin, rabbitmq_url, value_word="Paused", price="20")
    offering_id = made["offering"]["id"]
    await in_store(edge, offering_id)

    stopped = store_consumers_pid()
    os.kill(stopped, signal.SIGTERM)

    async def exited():
        try:
            os.kill(stopped, 0)
        except ProcessLookupError:
            return True
        return False

    await eventually(exited, within=30.0)
    try:
        # A published offering's prices are locked; its characteristics can still change.
        patched = await edge.patch(
            f"/api/v1/characteristics/{made['speed']['id']}",
            json={"value": "900"},
            headers={**admin, **MERGE_PATCH},
        )
        assert patched.status_code == 200, patched.text
    finally:
        await platform_up()

    async def caught_up():
        body = (await edge.get(f"{STORE}/offerings/{offering_id}")).json()
        values = {
            c["id"]: c["value"] for spec in body["specifications"] for c in spec["characteristics"]
        }
        return values.get(made["speed"]["id"]) == "900"

    await eventually(caught_up, within=20.0)


@pytest.mark.local_only
# The rebuild reads every published offering the local platform holds, and the local
# databases keep what every earlier run published (1 500 offerings after a few weeks).
@pytest.mark.timeout(300)
async def test_reindex_rebuilds_everything_while_the_api_keeps_answering(edge, admin, rabbitmq_url):
    made = await published_offering(edge, admin, rabbitmq_url, value_word="Rebuilt", price="15")
    offering_id = made["offering"]["id"]
    await in_store(edge, offering_id)
    answers: list[int] = []
    stop = asyncio.Event()

    async def keep_searching():
        for _ in range(2000):  # bounded
            if stop.is_set():
                return
            answers.append((await edge.get(f"{STORE}/search", params={"limit": 1})).status_code)
            await asyncio.sleep(0.02)

    searching = asyncio.create_task(keep_searching())
    process = await asyncio.create_subprocess_exec(
        "make",
        "reindex",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 300)
    stop.set()
    await searching

    assert process.returncode == 0, output.decode(errors="replace")[-3000:]
    assert answers and set(answers) == {200}
    assert (await edge.get(f"{STORE}/offerings/{offering_id}")).status_code == 200
    found, _ = await search_ids(edge, characteristic=made["speed"]["name"])
    assert found == [offering_id]
