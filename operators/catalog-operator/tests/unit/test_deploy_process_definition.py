"""The ProcessDefinition handler against a fake engine and a fake Kubernetes API."""

from __future__ import annotations

from typing import Any

import kopf
import pytest

from catalog_chassis.workflow.engine import EngineRejected, EngineUnavailable
from catalog_operator.config import OperatorConfig
from catalog_operator.handlers.handle_deploy_process_definition import deploy_process_definition
from catalog_operator.ports import EngineTarget

NAMESPACE = "catalog"
VALID = '<definitions><process id="publication"/></definitions>'


def process_definition(bpmn: dict[str, Any] | None = None, **engine: Any) -> dict[str, Any]:
    return {
        "apiVersion": "catalog.example/v1alpha1",
        "kind": "ProcessDefinition",
        "metadata": {"name": "publication", "namespace": NAMESPACE, "generation": 1},
        "spec": {
            "engine": {"url": "http://camunda:8080/engine-rest", **engine},
            "bpmn": bpmn or {"configMapRef": {"name": "bpmn", "key": "publication.bpmn"}},
        },
    }


class Harness:
    """Runs the handler as kopf would, carrying the status patch over to the next run."""

    def __init__(self, kubernetes: Any, engine: Any, recorder: Any, config: OperatorConfig):
        self.kubernetes = kubernetes
        self.engine = engine
        self.recorder = recorder
        self.config = config

    async def run(self, body: dict[str, Any], **options: Any) -> dict[str, Any]:
        status: dict[str, Any] = {}
        try:
            await deploy_process_definition(
                body,
                status,
                kubernetes=self.kubernetes,
                connect=self.engine.connect,
                recorder=self.recorder,
                config=self.config,
                **options,
            )
        finally:
            body["status"] = {**body.get("status", {}), **status}
        return status


def conditions_of(status: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {c["type"]: (c["status"], c["reason"]) for c in status["conditions"]}


@pytest.fixture
def harness(kubernetes: Any, engine: Any, recorder: Any, config: OperatorConfig) -> Harness:
    kubernetes.config_maps[(NAMESPACE, "bpmn")] = {"publication.bpmn": VALID}
    return Harness(kubernetes, engine, recorder, config)


async def test_deploys_the_bpmn_and_records_the_engines_ids(harness: Harness) -> None:
    body = process_definition()

    status = await harness.run(body)

    assert status["deploymentId"] == "deployment-1"
    assert status["processDefinitionId"] == "publication:1:deployment-1"
    assert (status["key"], status["version"]) == ("publication", 1)
    assert status["definitions"] == [
        {"id": "publication:1:deployment-1", "key": "publication", "version": 1}
    ]
    assert status["observedGeneration"] == 1
    assert conditions_of(status)["Ready"] == ("True", "Deployed")
    assert harness.recorder.reasons == ["Deployed"]
    assert harness.engine.deployments[0][0] == "catalog.publication"


async def test_the_same_bpmn_again_makes_no_new_version(harness: Harness) -> None:
    body = process_definition()
    await harness.run(body)

    status = await harness.run(body)

    assert len(harness.engine.deployments) == 1
    assert (status["version"], status["deploymentId"]) == (1, "deployment-1")
    assert conditions_of(status)["Ready"] == ("True", "Unchanged")
    assert harness.recorder.reasons == ["Deployed"]


async def test_a_changed_bpmn_becomes_a_new_version(harness: Harness, kubernetes: Any) -> None:
    body = process_definition()
    await harness.run(body)
    kubernetes.config_maps[(NAMESPACE, "bpmn")] = {"publication.bpmn": VALID + "<!-- v2 -->"}

    status = await harness.run(body)

    assert (status["version"], status["deploymentId"]) == (2, "deployment-2")
    assert status["processDefinitionId"] == "publication:2:deployment-2"


async def test_an_invalid_bpmn_is_degraded_with_the_engines_message_and_not_retried(
    harness: Harness, kubernetes: Any
) -> None:
    kubernetes.config_maps[(NAMESPACE, "bpmn")] = {"publication.bpmn": "<invalid"}
    body = process_definition()

    with pytest.raises(kopf.PermanentError):
        await harness.run(body)

    status = body["status"]
    assert conditions_of(status)["Degraded"] == ("True", "DeploymentRejected")
    assert conditions_of(status)["Ready"] == ("False", "DeploymentRejected")
    degraded = next(c for c in status["conditions"] if c["type"] == "Degraded")
    assert "ENGINE-09005" in degraded["message"]
    assert harness.recorder.events[-1][:2] == ("Warning", "DeploymentRejected")


async def test_an_invalid_bpmn_is_not_retried_by_the_periodic_recheck(
    harness: Harness, kubernetes: Any
) -> None:
    kubernetes.config_maps[(NAMESPACE, "bpmn")] = {"publication.bpmn": "<invalid"}
    body = process_definition()
    with pytest.raises(kopf.PermanentError):
        await harness.run(body)

    await harness.run(body, only_if_changed=True)

    assert harness.recorder.reasons == ["DeploymentRejected"]


async def test_the_periodic_recheck_deploys_a_changed_config_map(
    harness: Harness, kubernetes: Any
) -> None:
    body = process_definition()
    await harness.run(body)
    kubernetes.config_maps[(NAMESPACE, "bpmn")] = {"publication.bpmn": VALID + " "}

    status = await harness.run(body, only_if_changed=True)

    assert status["version"] == 2


@pytest.mark.parametrize(("retry", "delay"), [(0, 10), (1, 20), (3, 80), (10, 300)])
async def test_an_unreachable_engine_is_retried_with_a_growing_delay(
    harness: Harness, engine: Any, retry: int, delay: int
) -> None:
    engine.failure = EngineUnavailable("connection refused")
    body = process_definition()

    with pytest.raises(kopf.TemporaryError) as raised:
        await harness.run(body, retry=retry)

    assert raised.value.delay == delay
    assert conditions_of(body["status"])["Progressing"] == ("True", "EngineUnavailable")
    assert conditions_of(body["status"])["Degraded"][0] == "False"


async def test_refused_credentials_are_degraded_and_looked_at_again_later(
    harness: Harness, engine: Any, config: OperatorConfig
) -> None:
    engine.failure = EngineRejected(401, "Unauthorized")
    body = process_definition()

    with pytest.raises(kopf.TemporaryError) as raised:
        await harness.run(body)

    assert raised.value.delay == config.engine_max_retry_delay
    assert conditions_of(body["status"])["Degraded"] == ("True", "EngineUnauthorized")


async def test_a_missing_config_map_is_waited_for(harness: Harness, kubernetes: Any) -> None:
    kubernetes.config_maps.clear()
    body = process_definition()

    with pytest.raises(kopf.TemporaryError):
        await harness.run(body)

    assert conditions_of(body["status"])["Progressing"] == ("True", "ConfigMapNotFound")
    assert harness.engine.deployments == []


async def test_a_config_map_without_the_key_is_degraded(harness: Harness) -> None:
    body = process_definition({"configMapRef": {"name": "bpmn", "key": "other.bpmn"}})

    with pytest.raises(kopf.PermanentError):
        await harness.run(body)

    assert conditions_of(body["status"])["Degraded"] == ("True", "InvalidSource")


async def test_the_engine_credentials_come_from_the_secret(
    harness: Harness, kubernetes: Any, engine: Any
) -> None:
    kubernetes.secrets[(NAMESPACE, "engine")] = {"user": "operator", "pass": "s3cret"}
    body = process_definition(
        credentialsSecret={"name": "engine", "usernameKey": "user", "passwordKey": "pass"}
    )

    await harness.run(body)

    assert engine.targets == [EngineTarget("http://camunda:8080/engine-rest", "operator", "s3cret")]


@pytest.mark.parametrize("secret", [None, {"username": "operator"}])
async def test_missing_credentials_are_waited_for(
    harness: Harness, kubernetes: Any, secret: dict[str, str] | None
) -> None:
    if secret is not None:
        kubernetes.secrets[(NAMESPACE, "engine")] = secret
    body = process_definition(credentialsSecret={"name": "engine"})

    with pytest.raises(kopf.TemporaryError):
        await harness.run(body)

    assert conditions_of(body["status"])["Progressing"] == ("True", "CredentialsNotFound")


async def test_inline_bpmn_is_deployed_without_credentials(harness: Harness, engine: Any) -> None:
    body = process_definition({"inline": VALID, "fileName": "publication.bpmn"})

    status = await harness.run(body)

    assert status["key"] == "publication"
    assert engine.targets == [EngineTarget("http://camunda:8080/engine-rest")]


async def test_a_new_resource_for_an_already_deployed_bpmn_records_its_ids(
    harness: Harness,
) -> None:
    await harness.run(process_definition())
    twin = process_definition()  # same deployment name and BPMN, no status yet

    status = await harness.run(twin)

    assert status["processDefinitionId"] == "publication:1:deployment-1"
    assert conditions_of(status)["Ready"] == ("True", "Unchanged")
