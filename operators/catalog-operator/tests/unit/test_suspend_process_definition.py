"""Deleting a ProcessDefinition with `suspendOnDelete`: its deployed definitions are suspended
(a fake engine and Kubernetes API); without the flag the delete handler does not apply."""

from __future__ import annotations

from typing import Any

import kopf
import pytest

from catalog_chassis.workflow.engine import EngineRejected, EngineUnavailable
from catalog_operator.config import OperatorConfig
from catalog_operator.handlers.handle_deploy_process_definition import deploy_process_definition
from catalog_operator.handlers.handle_suspend_process_definition import (
    suspend_process_definition,
    suspends_on_delete,
)

from ..conftest import NAMESPACE

VALID = '<definitions><process id="publication"/></definitions>'


def resource(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "catalog.example/v1alpha1",
        "kind": "ProcessDefinition",
        "metadata": {"name": "publication", "namespace": NAMESPACE, "generation": 1},
        "spec": {
            "engine": {"url": "http://camunda:8080/engine-rest"},
            "bpmn": {"inline": VALID, "fileName": "publication.bpmn"},
            **spec,
        },
    }


async def deployed(body: dict[str, Any], kubernetes: Any, engine: Any, recorder: Any) -> None:
    status: dict[str, Any] = {}
    await deploy_process_definition(
        body,
        status,
        kubernetes=kubernetes,
        connect=engine.connect,
        recorder=recorder,
        config=OperatorConfig(),
    )
    body["status"] = status


async def suspend(body: dict[str, Any], kubernetes: Any, engine: Any, recorder: Any) -> list[str]:
    return await suspend_process_definition(
        body,
        kubernetes=kubernetes,
        connect=engine.connect,
        recorder=recorder,
        config=OperatorConfig(),
    )


def test_only_a_resource_that_asks_for_it_is_suspended_on_delete() -> None:
    assert suspends_on_delete(resource(suspendOnDelete=True)["spec"])
    assert not suspends_on_delete(resource()["spec"])
    assert not suspends_on_delete(resource(suspendOnDelete=False)["spec"])


async def test_the_deployed_definitions_are_suspended(
    kubernetes: Any, engine: Any, recorder: Any
) -> None:
    body = resource(suspendOnDelete=True)
    await deployed(body, kubernetes, engine, recorder)

    suspended = await suspend(body, kubernetes, engine, recorder)

    assert suspended == ["publication:1:deployment-1"]
    assert engine.suspended == ["publication:1:deployment-1"]
    assert recorder.reasons[-1] == "Suspended"


async def test_suspending_again_or_a_definition_the_engine_lost_is_no_error(
    kubernetes: Any, engine: Any, recorder: Any
) -> None:
    body = resource(suspendOnDelete=True)
    await deployed(body, kubernetes, engine, recorder)
    body["status"]["definitions"].append({"id": "gone:1:x", "key": "gone", "version": 1})

    await suspend(body, kubernetes, engine, recorder)
    again = await suspend(body, kubernetes, engine, recorder)

    assert again == ["publication:1:deployment-1"]
    assert engine.suspended == ["publication:1:deployment-1"]


async def test_nothing_deployed_needs_no_engine(
    kubernetes: Any, engine: Any, recorder: Any
) -> None:
    engine.failure = EngineUnavailable("down")

    assert await suspend(resource(suspendOnDelete=True), kubernetes, engine, recorder) == []
    assert engine.targets == []


async def test_an_unreachable_engine_is_retried_and_a_refusal_is_final(
    kubernetes: Any, engine: Any, recorder: Any
) -> None:
    body = resource(suspendOnDelete=True)
    await deployed(body, kubernetes, engine, recorder)

    engine.failure = EngineUnavailable("the process engine is unreachable")
    with pytest.raises(kopf.TemporaryError):
        await suspend(body, kubernetes, engine, recorder)
    engine.failure = EngineRejected(403, "not allowed")
    with pytest.raises(kopf.PermanentError):
        await suspend(body, kubernetes, engine, recorder)
    assert engine.suspended == []
    assert recorder.reasons[-2:] == ["EngineUnavailable", "SuspendRejected"]
