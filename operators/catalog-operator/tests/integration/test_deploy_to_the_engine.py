"""The ProcessDefinition handlers against the real engine (Camunda 7 on the local platform):
valid -> ids recorded; the same again -> unchanged; changed -> a new version; invalid ->
Degraded with the engine's own message; deleted with `suspendOnDelete` -> suspended, no new
instance starts, the deployment stays. Each test has its own process key and deployment
name, and deletes its deployments afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import kopf
import pytest

from catalog_operator.adapters.engine import connect
from catalog_operator.config import OperatorConfig
from catalog_operator.handlers.handle_deploy_process_definition import deploy_process_definition
from catalog_operator.handlers.handle_suspend_process_definition import (
    suspend_process_definition,
)
from catalog_testing import platform_setting

pytestmark = pytest.mark.integration

NAMESPACE = "catalog"
PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://test">
  <bpmn:process id="{key}" name="{name}" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="done"/>
    <bpmn:endEvent id="done"/>
  </bpmn:process>
</bpmn:definitions>
"""
# Well-formed XML, but a sequence flow to nowhere: the engine's BPMN parser refuses it.
INVALID = PROCESS.replace('targetRef="done"', 'targetRef="nowhere"')


@pytest.fixture
async def admin() -> AsyncIterator[httpx.AsyncClient]:
    auth = (platform_setting("CAMUNDA_ADMIN_USERNAME"), platform_setting("CAMUNDA_ADMIN_PASSWORD"))
    async with httpx.AsyncClient(base_url=platform_setting("CAMUNDA_URL"), auth=auth) as client:
        yield client


@pytest.fixture
async def key(admin: httpx.AsyncClient) -> AsyncIterator[str]:
    """A process key (and deployment name) of the test's own; its deployments go afterwards."""
    key = f"operator-test-{uuid.uuid4().hex[:10]}"
    yield key
    found = await admin.get("/deployment", params={"name": key})
    for deployment in found.json():
        deleted = await admin.delete(f"/deployment/{deployment['id']}", params={"cascade": "true"})
        assert deleted.status_code == 204


@pytest.fixture
def resource(kubernetes: Any, key: str) -> dict[str, Any]:
    kubernetes.secrets[(NAMESPACE, "engine")] = {
        "username": platform_setting("CAMUNDA_ADMIN_USERNAME"),
        "password": platform_setting("CAMUNDA_ADMIN_PASSWORD"),
    }
    kubernetes.config_maps[(NAMESPACE, "bpmn")] = {
        f"{key}.bpmn": PROCESS.format(key=key, name="first")
    }
    return {
        "metadata": {"name": key, "namespace": NAMESPACE, "generation": 1},
        "spec": {
            "engine": {
                "url": platform_setting("CAMUNDA_URL"),
                "credentialsSecret": {"name": "engine"},
            },
            "bpmn": {"configMapRef": {"name": "bpmn"}},
            "deploymentName": key,
        },
    }


async def reconcile(body: dict[str, Any], kubernetes: Any, recorder: Any) -> dict[str, Any]:
    status: dict[str, Any] = {}
    try:
        await deploy_process_definition(
            body,
            status,
            kubernetes=kubernetes,
            connect=connect,
            recorder=recorder,
            config=OperatorConfig(),
        )
    finally:
        body["status"] = {**body.get("status", {}), **status}
    return status


def condition(status: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(c for c in status["conditions"] if c["type"] == kind)


async def versions_of(admin: httpx.AsyncClient, key: str) -> list[int]:
    found = await admin.get("/process-definition", params={"key": key})
    return sorted(d["version"] for d in found.json())


async def test_a_valid_bpmn_is_deployed_and_its_ids_recorded(
    resource: dict[str, Any], kubernetes: Any, recorder: Any, admin: httpx.AsyncClient, key: str
) -> None:
    status = await reconcile(resource, kubernetes, recorder)

    definition = (await admin.get(f"/process-definition/key/{key}")).json()
    assert status["processDefinitionId"] == definition["id"]
    assert status["deploymentId"] == definition["deploymentId"]
    assert (status["key"], status["version"]) == (key, 1)
    assert condition(status, "Ready")["status"] == "True"
    assert recorder.reasons == ["Deployed"]


async def test_the_same_bpmn_again_is_unchanged_with_no_new_version(
    resource: dict[str, Any], kubernetes: Any, recorder: Any, admin: httpx.AsyncClient, key: str
) -> None:
    first = await reconcile(resource, kubernetes, recorder)

    again = await reconcile(resource, kubernetes, recorder)

    assert await versions_of(admin, key) == [1]
    assert (again["processDefinitionId"], again["version"]) == (first["processDefinitionId"], 1)
    assert condition(again, "Ready")["reason"] == "Unchanged"


async def test_a_new_resource_for_a_deployed_bpmn_finds_its_ids(
    resource: dict[str, Any], kubernetes: Any, recorder: Any, key: str
) -> None:
    first = await reconcile(resource, kubernetes, recorder)
    resource.pop("status")  # as if the status had been lost

    again = await reconcile(resource, kubernetes, recorder)

    assert again["processDefinitionId"] == first["processDefinitionId"]
    assert again["deploymentId"] == first["deploymentId"]


async def test_a_changed_bpmn_becomes_a_new_version(
    resource: dict[str, Any], kubernetes: Any, recorder: Any, admin: httpx.AsyncClient, key: str
) -> None:
    first = await reconcile(resource, kubernetes, recorder)
    kubernetes.config_maps[(NAMESPACE, "bpmn")] = {
        f"{key}.bpmn": PROCESS.format(key=key, name="second")
    }

    changed = await reconcile(resource, kubernetes, recorder)

    assert await versions_of(admin, key) == [1, 2]
    assert changed["version"] == 2
    assert changed["processDefinitionId"] != first["processDefinitionId"]
    assert changed["deploymentId"] != first["deploymentId"]
    assert recorder.reasons == ["Deployed", "Deployed"]


async def test_an_invalid_bpmn_is_degraded_with_the_engines_message(
    resource: dict[str, Any], kubernetes: Any, recorder: Any, admin: httpx.AsyncClient, key: str
) -> None:
    kubernetes.config_maps[(NAMESPACE, "bpmn")] = {f"{key}.bpmn": INVALID.format(key=key, name="x")}

    with pytest.raises(kopf.PermanentError):
        await reconcile(resource, kubernetes, recorder)

    degraded = condition(resource["status"], "Degraded")
    assert (degraded["status"], degraded["reason"]) == ("True", "DeploymentRejected")
    assert "nowhere" in degraded["message"]
    assert await versions_of(admin, key) == []


async def test_a_deleted_definition_that_asks_is_suspended_and_no_longer_starts(
    resource: dict[str, Any], kubernetes: Any, recorder: Any, admin: httpx.AsyncClient, key: str
) -> None:
    resource["spec"]["suspendOnDelete"] = True
    status = await reconcile(resource, kubernetes, recorder)

    suspended = await suspend_process_definition(
        resource,
        kubernetes=kubernetes,
        connect=connect,
        recorder=recorder,
        config=OperatorConfig(),
    )
    again = await suspend_process_definition(
        resource, kubernetes=kubernetes, connect=connect, recorder=recorder, config=OperatorConfig()
    )

    assert suspended == again == [status["processDefinitionId"]]
    definition = (await admin.get(f"/process-definition/{status['processDefinitionId']}")).json()
    assert definition["suspended"] is True
    started = await admin.post(f"/process-definition/key/{key}/start", json={})
    assert started.status_code >= 400, started.text
    assert "suspended" in started.text.lower()
    # The deployment and its history stay.
    assert (await admin.get(f"/deployment/{status['deploymentId']}")).status_code == 200
