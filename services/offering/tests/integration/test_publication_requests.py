"""Publication requests in the real Postgres and sagas started on the real engine: the
request commits with the move to PUBLISHING, a claimed request is invisible to a second
starter, retries are recorded, and the engine adapter starts and finds an instance."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from catalog_chassis.workflow.engine import EngineClient
from catalog_testing import admin_engine
from offering_service.application.publication import PublicationRequest, PublicationStarter
from offering_service.infrastructure.publication import EngineSaga, SqlPublicationQueue

pytestmark = pytest.mark.integration

BASE = "/api/v1/offerings"

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://test">
  <bpmn:process id="{key}" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:serviceTask id="work" camunda:type="external" camunda:topic="{key}-work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="done"/>
    <bpmn:endEvent id="done"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def queue(app) -> SqlPublicationQueue:
    return SqlPublicationQueue(app.state.container.sessions)


async def publishing_offering(client, admin, known_specification, new_price) -> dict:
    created = await client.post(
        BASE,
        json={
            "name": f"Requested {uuid.uuid4().hex[:8]}",
            "specificationIds": [await known_specification()],
            "priceIds": [(await new_price())["id"]],
            "salesChannels": ["ONLINE"],
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    published = await client.post(f"{BASE}/{created.json()['id']}/publish", headers=admin)
    assert published.status_code == 202, published.text
    return published.json()


async def test_publish_commits_the_request_to_start_its_saga(
    client, admin, sql, queue, known_specification, new_price
):
    offering = await publishing_offering(client, admin, known_specification, new_price)

    async with queue.claim(uuid.UUID(offering["sagaId"])) as claim:
        assert claim is not None
        request = claim.request
    assert request.offering_id == uuid.UUID(offering["id"])
    assert request.variables["sagaId"] == offering["sagaId"]
    assert request.variables["priceIds"] == offering["priceIds"]
    assert request.variables["traceparent"].startswith("00-")
    due = await queue.due(datetime.now(UTC) + timedelta(minutes=1), limit=1000)
    assert uuid.UUID(offering["sagaId"]) in due


async def test_a_claimed_request_is_skipped_by_another_starter(
    client, admin, queue, known_specification, new_price
):
    offering = await publishing_offering(client, admin, known_specification, new_price)
    saga_id = uuid.UUID(offering["sagaId"])
    held = asyncio.Event()
    release = asyncio.Event()

    async def first() -> None:
        async with queue.claim(saga_id) as claim:
            assert claim is not None
            held.set()
            await release.wait()

    holder = asyncio.create_task(first())
    await held.wait()
    async with queue.claim(saga_id) as second:
        assert second is None
    release.set()
    await holder


async def test_a_retry_is_recorded_and_a_done_request_is_gone(
    client, admin, queue, known_specification, new_price
):
    offering = await publishing_offering(client, admin, known_specification, new_price)
    saga_id = uuid.UUID(offering["sagaId"])
    later = datetime.now(UTC) + timedelta(hours=1)

    async with queue.claim(saga_id) as claim:
        await claim.later(later, "ConnectionError('engine unreachable')")
    assert saga_id not in await queue.due(later - timedelta(seconds=1), limit=1000)
    assert saga_id in await queue.due(later, limit=1000)
    async with queue.claim(saga_id) as claim:
        assert claim.request.attempts == 1
        await claim.done()
    async with queue.claim(saga_id) as claim:
        assert claim is None


@pytest.fixture
async def engine() -> AsyncIterator[EngineClient]:
    """The process engine's REST API, as its admin."""
    async with admin_engine() as client:
        yield client


async def test_the_starter_starts_a_requested_saga_on_the_engine_once(
    client, admin, app, queue, engine, tmp_path: Path, known_specification, new_price
):
    key = f"offering-test-{uuid.uuid4().hex[:8]}"
    bpmn = tmp_path / f"{key}.bpmn"
    bpmn.write_text(PROCESS.format(key=key))
    deployment = await engine.deploy(key, [bpmn], source="offering-tests")
    try:
        offering = await publishing_offering(client, admin, known_specification, new_price)
        saga_id = uuid.UUID(offering["sagaId"])
        saga = EngineSaga(engine, process_key=key)
        starter = PublicationStarter(queue, saga, app.state.container.offerings)

        assert await starter.start(saga_id) is True
        assert await starter.start(saga_id) is False  # the request is gone: started once

        request = PublicationRequest(
            saga_id=saga_id, offering_id=uuid.UUID(offering["id"]), variables={}
        )
        assert await saga.started(request) is True
        instances = await engine.count_instances(offering["id"], sagaId=str(saga_id))
        assert instances == 1
    finally:
        await engine.http.delete(f"/deployment/{deployment.id}", params={"cascade": "true"})
