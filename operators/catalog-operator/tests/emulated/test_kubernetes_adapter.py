"""The real Kubernetes adapter (kubernetes_asyncio) against kmock's Kubernetes API emulator:
the requests it makes and how it reads the answers (404 -> None, 409 -> not created), with
no cluster."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import kmock as km
import pytest
from kubernetes_asyncio import client

from catalog_operator.adapters.kubernetes import KubernetesClient
from catalog_operator.builders import build_migration_job
from catalog_operator.config import OperatorConfig

NAMESPACE = "catalog"
CONFIG_MAPS = km.resource("", "v1", "configmaps")
SECRETS = km.resource("", "v1", "secrets")
PODS = km.resource("", "v1", "pods")
JOBS = km.resource("batch", "v1", "jobs")


@pytest.fixture
async def kubernetes(kmock: Any) -> AsyncIterator[KubernetesClient]:
    for path, kind in (
        ("v1/configmaps", "ConfigMap"),
        ("v1/secrets", "Secret"),
        ("v1/pods", "Pod"),
        ("batch/v1/jobs", "Job"),
    ):
        kmock.resources[path] = {"kind": kind, "namespaced": True}
    api = client.ApiClient(client.Configuration(host=str(kmock.url).rstrip("/")))
    yield KubernetesClient(api)
    await api.close()


def migration_job(name: str = "pricing") -> dict[str, Any]:
    body = {
        "apiVersion": "catalog.example/v1alpha1",
        "kind": "DatabaseMigration",
        "metadata": {"name": name, "namespace": NAMESPACE, "uid": "u1"},
        "spec": {"service": "pricing", "image": "pricing:0.1.0"},
    }
    return build_migration_job(body, OperatorConfig())


async def test_reads_a_config_maps_data_and_none_for_a_missing_one(
    kmock: Any, kubernetes: KubernetesClient
) -> None:
    kmock.objects[CONFIG_MAPS, NAMESPACE, "bpmn"] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "bpmn", "namespace": NAMESPACE},
        "data": {"publication.bpmn": "<definitions/>"},
    }

    assert await kubernetes.config_map_data(NAMESPACE, "bpmn") == {
        "publication.bpmn": "<definitions/>"
    }
    assert await kubernetes.config_map_data(NAMESPACE, "missing") is None


async def test_decodes_a_secrets_data(kmock: Any, kubernetes: KubernetesClient) -> None:
    kmock.objects[SECRETS, NAMESPACE, "engine"] = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "engine", "namespace": NAMESPACE},
        "data": {"username": base64.b64encode(b"operator").decode()},
    }

    assert await kubernetes.secret_data(NAMESPACE, "engine") == {"username": "operator"}
    assert await kubernetes.secret_data(NAMESPACE, "missing") is None


async def test_creates_a_job_once_and_reads_it_back(
    kmock: Any, kubernetes: KubernetesClient
) -> None:
    job = migration_job()
    name = job["metadata"]["name"]

    first = await kubernetes.create_job(NAMESPACE, job)
    kmock.objects[JOBS, NAMESPACE, name]["status"] = {"active": 1}
    again = await kubernetes.create_job(NAMESPACE, job)

    assert (first, again) == (True, False)
    stored = kmock.objects[JOBS, NAMESPACE, name]
    assert stored["metadata"]["ownerReferences"][0]["uid"] == "u1"
    read = await kubernetes.read_job(NAMESPACE, name)
    assert read is not None
    assert read["metadata"]["labels"]["catalog.example/database"] == "pricing"
    assert await kubernetes.read_job(NAMESPACE, "missing") is None


async def test_lists_jobs_by_label_selector(kmock: Any, kubernetes: KubernetesClient) -> None:
    await kubernetes.create_job(NAMESPACE, migration_job())

    found = await kubernetes.list_jobs(NAMESPACE, "catalog.example/database=pricing")

    assert [job["metadata"]["name"] for job in found] == [migration_job()["metadata"]["name"]]
    (listing,) = list(kmock[km.action.LIST, JOBS])
    assert listing.params["labelSelector"] == "catalog.example/database=pricing"


async def test_reads_the_termination_message_of_a_jobs_pod(
    kmock: Any, kubernetes: KubernetesClient
) -> None:
    kmock.objects[PODS, NAMESPACE, "pricing-migrate-x-1"] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "pricing-migrate-x-1",
            "namespace": NAMESPACE,
            "labels": {"job-name": "pricing-migrate-x"},
            "creationTimestamp": "2026-01-01T00:00:00Z",
        },
        "spec": {"containers": [{"name": "migrate", "image": "pricing:0.1.0"}]},
        "status": {
            "containerStatuses": [
                {
                    "name": "migrate",
                    "image": "pricing:0.1.0",
                    "imageID": "",
                    "ready": False,
                    "restartCount": 0,
                    "state": {"terminated": {"exitCode": 0, "message": "3f2a1c9b7d10 (head)\n"}},
                }
            ]
        },
    }

    messages = await kubernetes.termination_messages(NAMESPACE, "pricing-migrate-x")

    assert messages == ["3f2a1c9b7d10 (head)\n"]
