"""The catalog operator in the cluster: the release's processes deployed through a
ProcessDefinition, a broken BPMN reported Degraded, a DatabaseMigration run as a Job, and
convergence after the operator pod is killed mid-reconcile."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from .conftest import RELEASE, items

# Cluster operations take minutes on two cores (the suite-wide limit is 120 s).
pytestmark = [pytest.mark.cluster, pytest.mark.k8s(keep=True), pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[2]
# The services that keep a Postgres database; the release hands their migrations to the operator.
DATABASE_SERVICES = {"identity", "characteristic", "specification", "pricing", "offering"}
ENGINE_URL = "http://catalog-infra-camunda:8080/engine-rest"
CREDENTIALS = {
    "name": "catalog-operator-engine",
    "usernameKey": "username",
    "passwordKey": "password",
}
VALID_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs-{suffix}"
    targetNamespace="http://catalog.example/test">
  <bpmn:process id="cluster_test_{suffix}" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="flow" sourceRef="start" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def _condition(resource: dict[str, Any], kind: str) -> dict[str, Any] | None:
    for condition in resource.get("status", {}).get("conditions", []):
        if condition["type"] == kind:
            found: dict[str, Any] = condition
            return found
    return None


def wait_for(get: Callable[[], dict[str, Any]], kind: str, within: float = 180) -> dict[str, Any]:
    """The resource once its condition `kind` is True; fails with its last status."""
    deadline = time.monotonic() + within
    while True:
        resource = get()
        condition = _condition(resource, kind)
        if condition and condition["status"] == "True":
            return resource
        if time.monotonic() > deadline:
            raise AssertionError(f"not {kind} within {within:.0f}s: {resource.get('status')}")
        time.sleep(2)


@pytest.fixture
def apply(k8s, namespace) -> Iterator[Callable[[dict[str, Any]], Callable[[], dict[str, Any]]]]:
    """apply(resource) -> a getter of its current state; removed after the test."""
    created: list[str] = []

    def _apply(resource: dict[str, Any]) -> Callable[[], dict[str, Any]]:
        resource["metadata"]["namespace"] = namespace
        subprocess.run(
            ["kubectl", "apply", "-f", "-"],
            input=json.dumps(resource),
            text=True,
            capture_output=True,
            check=True,
        )
        ref = f"{resource['kind'].lower()}s.catalog.example/{resource['metadata']['name']}"
        created.append(ref)
        return lambda: k8s.kubectl(["get", ref, "-n", namespace, "-o", "json"])

    yield _apply
    for ref in created:
        subprocess.run(["kubectl", "delete", ref, "-n", namespace, "--wait=false"], check=False)


def _process_definition(name: str, bpmn: str) -> dict[str, Any]:
    return {
        "apiVersion": "catalog.example/v1alpha1",
        "kind": "ProcessDefinition",
        "metadata": {"name": name},
        "spec": {
            "engine": {"url": ENGINE_URL, "credentialsSecret": CREDENTIALS},
            "bpmn": {"inline": bpmn, "fileName": f"{name}.bpmn"},
            "deploymentName": name,
        },
    }


def test_the_release_processes_are_deployed_by_the_operator(k8s, namespace):
    def get() -> dict[str, Any]:
        return k8s.kubectl(
            [
                "get",
                f"processdefinitions.catalog.example/{RELEASE}-processes",
                "-n",
                namespace,
                "-o",
                "json",
            ]
        )

    resource = wait_for(get, "Ready")

    status = resource["status"]
    assert status["deploymentId"]
    assert "offering-publication-saga" in {d["key"] for d in status["definitions"]}
    assert status["observedGeneration"] == resource["metadata"]["generation"]


def head_of(service: str) -> str | None:
    """The newest revision of the service's migrations (read from its scripts, no database)."""
    config = Config(str(REPO / "services" / service / "alembic.ini"))
    return ScriptDirectory.from_config(config).get_current_head()


def test_every_services_database_is_migrated_by_the_operator_before_its_pods_run(k8s, namespace):
    images = {
        d["metadata"]["name"]: d["spec"]["template"]["spec"]["containers"][0]["image"]
        for d in items(k8s, "deployments", "-n", namespace)
    }
    migrations = {
        m["spec"]["service"]: m
        for m in items(k8s, "databasemigrations.catalog.example", "-n", namespace)
        if m["metadata"]["name"] == f"{RELEASE}-{m['spec']['service']}"
    }

    assert set(migrations) == DATABASE_SERVICES
    for service, migration in migrations.items():
        status = migration["status"]
        ready = _condition(migration, "Ready")
        assert ready is not None and ready["status"] == "True", (service, status)
        assert status["appliedRevision"] == head_of(service), service
        assert status["image"] == images[f"{RELEASE}-{service}"], service
        assert status["observedGeneration"] == migration["metadata"]["generation"], service
    # Every running pod of those services waited for its migration and went on when it was done.
    waited: set[str] = set()
    for pod in items(k8s, "pods", "-n", namespace, "--field-selector=status.phase=Running"):
        for init in pod["status"].get("initContainerStatuses", []):
            if init["name"] == "wait-for-migration":
                assert init["state"]["terminated"]["exitCode"] == 0, pod["metadata"]["name"]
                waited.add(pod["metadata"]["labels"]["app.kubernetes.io/name"])
    assert waited == DATABASE_SERVICES


def test_a_broken_bpmn_is_reported_degraded_with_the_engines_reason(apply):
    name = f"broken-{uuid.uuid4().hex[:8]}"
    get = apply(_process_definition(name, "<bpmn:definitions>not a process"))

    resource = wait_for(get, "Degraded", within=120)

    degraded = _condition(resource, "Degraded")
    assert degraded is not None
    assert degraded["reason"] in {"DeploymentRejected", "InvalidSource"}
    assert degraded["message"]
    ready = _condition(resource, "Ready")
    assert ready is None or ready["status"] != "True"


def test_a_database_migration_runs_a_job_and_records_the_revision(k8s, namespace, apply):
    (api,) = [
        d
        for d in items(k8s, "deployments", "-n", namespace)
        if d["metadata"]["name"] == f"{RELEASE}-characteristic"
    ]
    image = api["spec"]["template"]["spec"]["containers"][0]["image"]
    name = f"characteristic-{uuid.uuid4().hex[:8]}"
    get = apply(
        {
            "apiVersion": "catalog.example/v1alpha1",
            "kind": "DatabaseMigration",
            "metadata": {"name": name},
            "spec": {
                "service": "characteristic",
                # The release's database: never migrated by two Jobs at once.
                "database": f"{RELEASE}-characteristic",
                "image": image,
                "imagePullPolicy": "IfNotPresent",
                "env": [
                    {
                        "name": "DATABASE_URL",
                        "valueFrom": {
                            "secretKeyRef": {
                                "name": f"{RELEASE}-characteristic-database",
                                "key": "DATABASE_URL",
                            }
                        },
                    }
                ],
            },
        }
    )

    resource = wait_for(get, "Ready", within=240)

    status = resource["status"]
    assert status["appliedRevision"]
    job = k8s.kubectl(["get", "job", status["jobName"], "-n", namespace, "-o", "json"])
    assert job["status"].get("succeeded") == 1
    (owner,) = job["metadata"]["ownerReferences"]
    assert owner["kind"] == "DatabaseMigration" and owner["name"] == name


def test_a_deleted_process_definition_that_asks_is_suspended_in_the_engine(k8s, namespace, apply):
    name = f"retired-{uuid.uuid4().hex[:8]}"
    resource = _process_definition(name, VALID_BPMN.format(suffix=name.replace("-", "_")))
    resource["spec"]["suspendOnDelete"] = True
    get = apply(resource)
    ready = wait_for(get, "Ready")
    assert "catalog.example/operator" in ready["metadata"].get("finalizers", [])
    definition_id = ready["status"]["processDefinitionId"]

    subprocess.run(
        ["kubectl", "delete", f"processdefinitions.catalog.example/{name}", "-n", namespace],
        capture_output=True,
        check=True,
        timeout=180,
    )  # returns once the operator has released its finalizer

    auth = (os.environ["CAMUNDA_ADMIN_USERNAME"], os.environ["CAMUNDA_ADMIN_PASSWORD"])
    engine_url = os.environ["CAMUNDA_URL"]
    found = httpx.get(f"{engine_url}/process-definition/{definition_id}", auth=auth, timeout=10)
    assert found.json()["suspended"] is True


def test_killing_the_operator_mid_reconcile_still_converges(k8s, namespace, apply):
    name = f"restart-{uuid.uuid4().hex[:8]}"
    get = apply(_process_definition(name, VALID_BPMN.format(suffix=name.replace("-", "_"))))
    subprocess.run(
        [
            "kubectl",
            "delete",
            "pod",
            "-n",
            namespace,
            "-l",
            "app.kubernetes.io/name=catalog-operator",
            "--wait=false",
        ],
        capture_output=True,
        check=True,
    )

    resource = wait_for(get, "Ready", within=240)

    assert resource["status"]["deploymentId"]
    assert resource["status"]["key"] == f"cluster_test_{name.replace('-', '_')}"
