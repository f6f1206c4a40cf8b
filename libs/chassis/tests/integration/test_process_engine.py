"""The engine client and the task worker against the real engine (Camunda 7 on the local
platform): deploy with changed-only filtering, start, fetch-and-lock, complete, BPMN errors
into an error boundary, failures with retries, lock extension, refusals."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from catalog_chassis.messaging.backoff import Backoff
from catalog_chassis.workflow.engine import EngineClient, EngineRejected, TopicSubscription
from catalog_chassis.workflow.tasks import BusinessError, ExternalTask
from catalog_chassis.workflow.worker import TaskWorker, Topic
from catalog_testing import admin_engine, platform_setting

pytestmark = pytest.mark.integration

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://test">
  <bpmn:process id="{key}" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:serviceTask id="work" camunda:type="external" camunda:topic="{key}-work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="done"/>
    <bpmn:endEvent id="done"/>
    <bpmn:boundaryEvent id="failed" attachedToRef="work">
      <bpmn:errorEventDefinition camunda:errorCodeVariable="failureCode"
        camunda:errorMessageVariable="failureReason"/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="failed" targetRef="undo"/>
    <bpmn:serviceTask id="undo" camunda:type="external" camunda:topic="{key}-undo"/>
    <bpmn:sequenceFlow id="f4" sourceRef="undo" targetRef="undone"/>
    <bpmn:endEvent id="undone"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
async def engine() -> AsyncIterator[EngineClient]:
    """The process engine's REST API, as its admin."""
    async with admin_engine() as client:
        yield client


@pytest.fixture
async def process(engine: EngineClient, tmp_path: Path) -> AsyncIterator[str]:
    """A process of its own (own key and topics: the platform's workers never see it)."""
    key = f"test-{uuid.uuid4().hex[:10]}"
    bpmn = tmp_path / f"{key}.bpmn"
    bpmn.write_text(PROCESS.format(key=key))
    deployment = await engine.deploy(f"{key}-deployment", [bpmn], source="chassis-tests")
    yield key
    await engine.http.delete(f"/deployment/{deployment.id}", params={"cascade": "true"})


async def fetch(engine: EngineClient, topic: str, worker: str = "tester") -> ExternalTask:
    """The next task of ``topic`` (long-polled: waits for the engine to create it)."""
    for _ in range(10):
        tasks = await engine.fetch_and_lock(
            worker, [TopicSubscription(topic, 10_000)], max_tasks=1, long_poll_ms=2_000
        )
        if tasks:
            return tasks[0]
    raise AssertionError(f"no task of {topic}")


async def ended_in(engine: EngineClient, instance: str) -> str:
    """The id of the end event the finished instance reached."""
    for _ in range(50):
        activities = (
            await engine.http.get(
                "/history/activity-instance",
                params={"processInstanceId": instance, "activityType": "noneEndEvent"},
            )
        ).json()
        if activities:
            return str(activities[0]["activityId"])
        await asyncio.sleep(0.1)
    raise AssertionError(f"instance {instance} did not end")


async def test_an_unchanged_definition_is_not_deployed_again(engine, process, tmp_path):
    bpmn = tmp_path / f"{process}.bpmn"

    again = await engine.deploy(f"{process}-deployment", [bpmn], source="chassis-tests")
    bpmn.write_text(bpmn.read_text().replace('id="done"/>', 'id="done" name="Done"/>'))
    changed = await engine.deploy(f"{process}-deployment", [bpmn], source="chassis-tests")

    assert again.deployed == ()
    assert [(d.key, d.version) for d in changed.deployed] == [(process, 2)]
    await engine.http.delete(f"/deployment/{changed.id}", params={"cascade": "true"})


async def test_an_invalid_definition_is_rejected_with_the_engines_reason(engine, tmp_path):
    broken = tmp_path / "broken.bpmn"
    broken.write_text(PROCESS.format(key="broken").replace('sourceRef="work"', 'sourceRef="x"'))

    with pytest.raises(EngineRejected) as rejected:
        await engine.deploy("broken", [broken])

    assert rejected.value.status == 400
    assert "x" in rejected.value.message


async def test_a_resource_that_is_not_xml_is_rejected_not_retried(engine, tmp_path):
    """The engine answers a malformed XML resource with HTTP 500 (ENGINE-09003): still the
    request's fault, so a rejection (the operator reports it Degraded instead of retrying)."""
    garbage = tmp_path / "garbage.bpmn"
    garbage.write_text("<bpmn:definitions>not a process")

    with pytest.raises(EngineRejected) as rejected:
        await engine.deploy("garbage", [garbage])

    assert rejected.value.status == 500
    assert "garbage.bpmn" in rejected.value.message


async def test_start_carries_the_business_key_and_variables_to_the_task(engine, process):
    business_key = str(uuid.uuid4())
    instance = await engine.start_process(
        process,
        business_key=business_key,
        variables={"sagaId": "s-1", "priceIds": ["p1", "p2"], "attempt": 3, "ok": True},
    )

    task = await fetch(engine, f"{process}-work")

    assert task.process_instance_id == instance
    assert task.business_key == business_key
    assert task.process_definition_key == process
    assert task.variable("sagaId") == "s-1"
    assert task.json_variable("priceIds") == ["p1", "p2"]
    assert (task.variable("attempt"), task.variable("ok")) == (3, True)
    assert await engine.count_instances(business_key, sagaId="s-1") == 1
    assert await engine.count_instances(business_key, sagaId="s-2") == 0


async def test_a_completed_task_moves_the_process_on(engine, process):
    instance = await engine.start_process(process, business_key="b", variables={})
    task = await fetch(engine, f"{process}-work")

    await engine.complete(task, {"result": "fine"})

    assert await ended_in(engine, instance) == "done"


async def test_a_bpmn_error_takes_the_error_path_with_code_and_reason(engine, process):
    await engine.start_process(process, business_key="b", variables={})
    task = await fetch(engine, f"{process}-work")

    await engine.bpmn_error(task, "price-locked", "The price 'Monthly' is locked")

    undo = await fetch(engine, f"{process}-undo")
    assert undo.variable("failureCode") == "price-locked"
    assert undo.variable("failureReason") == "The price 'Monthly' is locked"


async def test_a_failure_hands_the_task_out_again_with_the_retries_left(engine, process):
    await engine.start_process(process, business_key="b", variables={})
    task = await fetch(engine, f"{process}-work")

    await engine.failure(task, "database down", details="trace", retries=2, retry_ms=0)

    again = await fetch(engine, f"{process}-work")
    assert again.id == task.id
    assert again.retries == 2 and again.error_message == "database down"


async def test_a_task_is_reported_only_by_the_worker_holding_its_lock(engine, process):
    await engine.start_process(process, business_key="b", variables={})
    task = await fetch(engine, f"{process}-work", worker="holder")
    await engine.extend_lock(task, 60_000)

    impostor = ExternalTask(**{**task.__dict__, "worker_id": "impostor"})
    with pytest.raises(EngineRejected):
        await engine.complete(impostor)
    await engine.complete(task)


async def test_requests_without_credentials_are_refused(process):
    anonymous = EngineClient(platform_setting("CAMUNDA_URL"))
    try:
        engines = await anonymous.http.get("/engine")  # the liveness probe stays open
        assert engines.json() == [{"name": "default"}]
        with pytest.raises(EngineRejected) as refused:
            await anonymous.start_process(process, business_key="b", variables={})
        assert refused.value.status == 401
    finally:
        await anonymous.aclose()


async def test_a_worker_runs_a_process_to_its_end_and_compensates_a_business_error(engine, process):
    handled: list[str] = []

    async def work(task: ExternalTask) -> dict[str, str] | None:
        handled.append(task.business_key or "")
        if task.variable("fail"):
            raise BusinessError("refused", "the step cannot succeed")
        return {"worked": "yes"}

    async def undo(task: ExternalTask) -> None:
        handled.append(f"undo {task.variable('failureReason')}")

    worker = TaskWorker(
        engine,
        [Topic(f"{process}-work", work), Topic(f"{process}-undo", undo)],
        worker_id="chassis-test",
        long_poll_ms=1_000,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        fine = await engine.start_process(process, business_key="fine", variables={"fail": False})
        failing = await engine.start_process(
            process, business_key="failing", variables={"fail": True}
        )
        assert await ended_in(engine, fine) == "done"
        assert await ended_in(engine, failing) == "undone"
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
    assert sorted(handled) == ["failing", "fine", "undo the step cannot succeed"]


async def test_a_step_that_keeps_failing_ends_on_the_error_path_not_in_an_incident(engine, process):
    attempts: list[int | None] = []
    undone = asyncio.Event()

    async def work(task: ExternalTask) -> None:
        attempts.append(task.retries)
        raise ConnectionError("database down")

    async def undo(task: ExternalTask) -> None:
        assert task.variable("failureCode") == "technical-failure"
        assert "database down" in task.variable("failureReason")
        undone.set()

    quick = Backoff(initial=0.05, maximum=0.05)
    worker = TaskWorker(
        engine,
        [
            Topic(f"{process}-work", work, max_attempts=3, retry_backoff=quick),
            Topic(f"{process}-undo", undo),
        ],
        worker_id="chassis-test",
        long_poll_ms=1_000,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        instance = await engine.start_process(process, business_key="flaky", variables={})
        await asyncio.wait_for(undone.wait(), 30)
        assert await ended_in(engine, instance) == "undone"
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
    assert attempts == [None, 2, 1]  # three attempts, the engine counting the retries down
    incidents = await engine.http.get("/incident", params={"processInstanceId": instance})
    assert incidents.json() == []
