"""The publication saga on the real engine, through the edge: publish ends PUBLISHED with the
prices locked and the offering in the store (retire undoes both), or back in DRAFT with a
reason naming the price another publication holds and nothing of it left behind; twenty at
once; one trace across every service; a worker killed or the engine restarted mid-saga."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from catalog_chassis.workflow.engine import EngineClient
from catalog_testing import saga_ended

pytestmark = pytest.mark.system
REPO = str(Path(__file__).resolve().parents[2])

PROCESS_KEY = "offering-publication-saga"
TOPICS = ("lock-prices", "validate-specifications", "create-store-entry", "confirm-publication")


def tag() -> str:
    return uuid.uuid4().hex[:8]


async def create(edge: httpx.AsyncClient, admin, path: str, body: dict) -> dict:
    response = await edge.post(path, json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


async def a_price(edge, admin, value: str = "29.90") -> dict:
    return await create(
        edge,
        admin,
        "/api/v1/prices",
        {"name": f"Monthly {tag()}", "value": value, "unit": "per month", "currency": "EUR"},
    )


async def a_draft(edge, admin, prices: list[dict]) -> dict:
    """A complete draft (a specification with one characteristic, the given prices)."""
    characteristic = await create(
        edge,
        admin,
        "/api/v1/characteristics",
        {"name": f"Speed {tag()}", "value": "300", "unitOfMeasure": "Mbps"},
    )
    specification = await create(
        edge,
        admin,
        "/api/v1/specifications",
        {"name": f"Fibre {tag()}", "characteristicIds": [characteristic["id"]]},
    )
    return await create(
        edge,
        admin,
        "/api/v1/offerings",
        {
            "name": f"Saga {tag()}",
            "description": "Published by the saga",
            "specificationIds": [specification["id"]],
            "priceIds": [price["id"] for price in prices],
            "salesChannels": ["ONLINE"],
        },
    )


async def publish(edge, admin, offering: dict, **headers: str) -> dict:
    response = await edge.post(
        f"/api/v1/offerings/{offering['id']}/publish", headers={**admin, **headers}
    )
    assert response.status_code == 202, response.text
    return response.json()


async def eventually(check, within: float = 20.0):
    """Poll ``check`` (an async callable returning a truthy value when done)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await check()
        if result:
            return result
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


async def lock_of(edge, admin, price: dict) -> str | None:
    body = (await edge.get(f"/api/v1/prices/{price['id']}", headers=admin)).json()
    return body["lockedBySagaId"]


async def history(engine: EngineClient, offering_id: str) -> list[dict]:
    response = await engine.http.get(
        "/history/process-instance",
        params={"processInstanceBusinessKey": offering_id, "processDefinitionKey": PROCESS_KEY},
    )
    assert response.status_code == 200, response.text
    return list(response.json())


async def open_tasks(engine: EngineClient, offering_id: str, topic: str) -> list[dict]:
    instances = [i["id"] for i in await history(engine, offering_id)]
    tasks = []
    for instance in instances:
        response = await engine.http.get(
            "/external-task", params={"processInstanceId": instance, "topicName": topic}
        )
        tasks += response.json()
    return tasks


async def test_publish_ends_published_with_prices_locked_and_in_the_store_and_retire_undoes_it(
    edge, admin, engine
):
    prices = [await a_price(edge, admin, "19.90"), await a_price(edge, admin, "49.00")]
    draft = await a_draft(edge, admin, prices)

    publishing = await publish(edge, admin, draft)
    published = await saga_ended(edge, admin, draft["id"])

    assert published["lifecycleStatus"] == "PUBLISHED", published
    assert published["publishedAt"] and published["publicationFailureReason"] is None
    saga_id = publishing["sagaId"]
    assert [await lock_of(edge, admin, price) for price in prices] == [saga_id, saga_id]
    in_store = await edge.get(f"/api/v1/store/offerings/{draft['id']}")
    assert in_store.status_code == 200, in_store.text
    assert sorted(p["id"] for p in in_store.json()["prices"]) == sorted(p["id"] for p in prices)

    # The engine records the end once the last step's completion commits (just after it).
    async def completed() -> bool:
        [instance] = await history(engine, draft["id"])
        return bool(instance["state"] == "COMPLETED")

    await eventually(completed)
    # A locked price refuses change while the offering is published.
    change = await edge.patch(
        f"/api/v1/prices/{prices[0]['id']}",
        json={"value": "9.99"},
        headers={**admin, "Content-Type": "application/merge-patch+json"},
    )
    assert change.status_code == 423, change.text

    retired = await edge.post(f"/api/v1/offerings/{draft['id']}/retire", headers=admin)

    assert retired.status_code == 200, retired.text

    async def released() -> bool:
        locks = [await lock_of(edge, admin, price) for price in prices]
        gone = (await edge.get(f"/api/v1/store/offerings/{draft['id']}")).status_code == 404
        return locks == [None, None] and gone

    await eventually(released)


async def test_a_price_held_by_another_publication_sends_the_offering_back_to_draft(
    edge, admin, engine
):
    held = await a_price(edge, admin)
    first = await a_draft(edge, admin, [held])
    await publish(edge, admin, first)
    assert (await saga_ended(edge, admin, first["id"]))["lifecycleStatus"] == "PUBLISHED"
    holder = await lock_of(edge, admin, held)
    free = await a_price(edge, admin)
    # The free price comes first: the saga locks it before it meets the held one.
    second = await a_draft(edge, admin, [free, held])

    publishing = await publish(edge, admin, second)
    failed = await saga_ended(edge, admin, second["id"])

    assert failed["lifecycleStatus"] == "DRAFT", failed
    reason = failed["publicationFailureReason"]
    assert held["name"] in reason and "locked by another publication" in reason
    assert failed["sagaId"] == publishing["sagaId"]
    assert await lock_of(edge, admin, free) is None
    assert await lock_of(edge, admin, held) == holder
    assert (await edge.get(f"/api/v1/store/offerings/{second['id']}")).status_code == 404

    async def compensated() -> bool:  # to its end: no incident
        [instance] = await history(engine, second["id"])
        return bool(instance["state"] == "COMPLETED")

    await eventually(compensated)
    # Fixed (the held price replaced), it publishes.
    fixed = await edge.patch(
        f"/api/v1/offerings/{second['id']}",
        json={"priceIds": [free["id"]]},
        headers={**admin, "Content-Type": "application/merge-patch+json"},
    )
    assert fixed.status_code == 200, fixed.text
    await publish(edge, admin, second)
    assert (await saga_ended(edge, admin, second["id"]))["lifecycleStatus"] == "PUBLISHED"


async def test_twenty_concurrent_publications_all_end_published(edge, admin):
    drafts = [await a_draft(edge, admin, [await a_price(edge, admin)]) for _ in range(20)]

    await asyncio.gather(*(publish(edge, admin, draft) for draft in drafts))
    ended = await asyncio.gather(*(saga_ended(edge, admin, d["id"], 60) for d in drafts))

    assert [offering["lifecycleStatus"] for offering in ended] == ["PUBLISHED"] * 20


async def test_one_trace_spans_the_publication_across_every_service(edge, admin, zipkin_url):
    draft = await a_draft(edge, admin, [await a_price(edge, admin)])
    correlation_id = f"saga-{uuid.uuid4()}"

    await publish(edge, admin, draft, **{"X-Correlation-ID": correlation_id})
    assert (await saga_ended(edge, admin, draft["id"]))["lifecycleStatus"] == "PUBLISHED"

    wanted = {f"SAGA {PROCESS_KEY} {topic}" for topic in TOPICS}
    async with httpx.AsyncClient(base_url=zipkin_url, timeout=5) as zipkin:

        async def saga_spans() -> list[dict] | None:
            found = await zipkin.get(
                "/api/v2/traces",
                params={"annotationQuery": f"correlation_id={correlation_id}", "limit": 10},
            )
            spans = [span for trace in found.json() for span in trace]
            names = {span.get("name") for span in spans}
            return spans if {name.lower() for name in wanted} <= names else None

        spans = await eventually(saga_spans, within=30)

    assert len({span["traceId"] for span in spans}) == 1
    services = {span["localEndpoint"]["serviceName"] for span in spans}
    assert {"offering", "pricing", "specification", "store"} <= services


@pytest.mark.local_only
async def test_a_worker_killed_mid_saga_is_restarted_and_the_saga_completes(
    edge, admin, engine, platform_up, process_pid
):
    draft = await a_draft(edge, admin, [await a_price(edge, admin)])
    os.kill(process_pid("pricing-saga-worker"), signal.SIGKILL)
    try:
        await publish(edge, admin, draft)
        # The saga waits at the dead worker's step; nothing fails it meanwhile.
        await eventually(lambda: open_tasks(engine, draft["id"], "lock-prices"))
        body = (await edge.get(f"/api/v1/offerings/{draft['id']}", headers=admin)).json()
        assert body["lifecycleStatus"] == "PUBLISHING"
    finally:
        await platform_up("pricing")

    # A long poll of the dead worker may have locked the task as it died: that lock expires.
    published = await saga_ended(edge, admin, draft["id"], within=60)
    assert published["lifecycleStatus"] == "PUBLISHED", published


@pytest.mark.local_only
async def test_an_engine_restarted_mid_saga_carries_the_saga_on(
    edge, admin, engine, platform_up, process_pid
):
    draft = await a_draft(edge, admin, [await a_price(edge, admin)])
    os.kill(process_pid("store-saga-worker"), signal.SIGKILL)
    try:
        await publish(edge, admin, draft)
        # Prices locked and specifications checked; the saga waits for the store's step.
        await eventually(lambda: open_tasks(engine, draft["id"], "create-store-entry"))
        os.kill(process_pid("camunda"), signal.SIGKILL)
    finally:
        await platform_up("store")

    published = await saga_ended(edge, admin, draft["id"], within=60)
    assert published["lifecycleStatus"] == "PUBLISHED", published
    assert (await edge.get(f"/api/v1/store/offerings/{draft['id']}")).status_code == 200


@pytest.mark.local_only
async def test_a_publication_made_while_the_engine_is_down_completes_when_it_returns(
    edge, admin, platform_up, process_pid
):
    draft = await a_draft(edge, admin, [await a_price(edge, admin)])
    os.kill(process_pid("camunda"), signal.SIGKILL)
    try:
        # Accepted all the same: the request to start the saga is kept with the offering.
        publishing = await publish(edge, admin, draft)
        assert publishing["lifecycleStatus"] == "PUBLISHING"
    finally:
        await platform_up("offering")

    # The offering's saga worker starts it once the engine answers (growing delays).
    published = await saga_ended(edge, admin, draft["id"], within=90)
    assert published["lifecycleStatus"] == "PUBLISHED", published
    assert published["sagaId"] == publishing["sagaId"]


@pytest.mark.local_only
async def test_make_logs_finds_a_publications_lines_from_every_process_it_touched(edge, admin):
    """The log shipper (dev/localplatform/logship.py) has the saga's lines by correlation id."""
    if REPO not in sys.path:  # dev/ is imported from the repository root
        sys.path.insert(0, REPO)
    from dev.localplatform import logship

    draft = await a_draft(edge, admin, [await a_price(edge, admin)])
    correlation_id = f"logs-{uuid.uuid4()}"

    await publish(edge, admin, draft, **{"X-Correlation-ID": correlation_id})
    assert (await saga_ended(edge, admin, draft["id"]))["lifecycleStatus"] == "PUBLISHED"

    wanted = {
        "edge",
        "offering-api",
        "offering-saga-worker",
        "pricing-saga-worker",
        "specification-saga-worker",
        "store-saga-worker",
    }

    async def shipped() -> set[str] | None:
        lines = await asyncio.to_thread(logship.request_lines, correlation_id)
        processes = {line["process"] for line in lines}
        return processes if wanted <= processes else None

    processes = await eventually(shipped, within=30)
    assert wanted <= processes
