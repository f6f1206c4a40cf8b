"""kopf itself, with the operator's registered handlers, against kmock's Kubernetes API
emulator, with no cluster: it watches a DatabaseMigration, runs the handler, retries it while
the Job runs and patches the status to Ready with the revision; it finalizes only the
ProcessDefinition that asks to be suspended on deletion, and suspends it when deleted. The
handlers' own Kubernetes and engine calls go to the ports' fakes, so the test controls when a
Job finishes."""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import kmock as km
import kopf
import pytest
import yaml
from kubernetes_asyncio.config import kube_config

from catalog_operator import bootstrap, main
from catalog_operator.builders import job_name
from catalog_operator.config import OperatorConfig
from catalog_operator.locks import DatabaseLocks
from catalog_operator.resources import (
    DATABASE_MIGRATIONS,
    GROUP,
    PROCESS_DEFINITIONS,
    VERSION,
)

from ..conftest import NAMESPACE, FakeEngine, FakeKubernetes

MIGRATIONS = km.resource(GROUP, VERSION, DATABASE_MIGRATIONS)
PROCESSES = km.resource(GROUP, VERSION, PROCESS_DEFINITIONS)
FINALIZER = f"{GROUP}/operator"
SPEC = {"service": "pricing", "image": "catalog/pricing:1", "targetRevision": "head"}


async def until(condition: Callable[[], Any], within: float = 20.0) -> Any:
    """The condition's first truthy result (it may be a coroutine function)."""
    deadline = asyncio.get_running_loop().time() + within
    while not (found := await _result(condition())):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {within}s")
        await asyncio.sleep(0.05)
    return found


def registry_as_in_the_cluster() -> kopf.OperatorRegistry:
    """main's activities (kopf's logins included) and change handlers, without the BPMN
    re-check timer, which is off in the cluster (Helm puts the BPMN's digest on the resource)
    and which would make kopf finalize every ProcessDefinition."""
    registered = kopf.get_default_registry()
    registry = kopf.OperatorRegistry()
    for activity in registered._activities.get_all_handlers():
        registry._activities.append(activity)
    for handler in registered._changing.get_all_handlers():
        registry._changing.append(handler)
    return registry


@dataclass
class Fakes:
    kubernetes: FakeKubernetes
    engine: FakeEngine


async def _result(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@pytest.fixture
async def operator(
    kmock: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> AsyncIterator[Fakes]:
    """kopf running main's handlers in NAMESPACE against kmock; yields the handlers' fakes."""
    for plural, kind in (
        (DATABASE_MIGRATIONS, "DatabaseMigration"),
        (PROCESS_DEFINITIONS, "ProcessDefinition"),
    ):
        kmock.resources[f"{GROUP}/{VERSION}/{plural}"] = {
            "kind": kind,
            "namespaced": True,
            "subresources": ["status"],
            "verbs": ["get", "list", "watch", "patch", "delete"],
        }
    kmock.resources["v1/events"] = {"kind": "Event", "namespaced": True}
    # kopf waits for these to be served before it watches anything (it lists neither: its
    # scanning is off for a namespaced operator, as in the cluster).
    kmock.resources["v1/namespaces"] = {"kind": "Namespace", "namespaced": False}
    kmock.resources["apiextensions.k8s.io/v1/customresourcedefinitions"] = {
        "kind": "CustomResourceDefinition",
        "namespaced": False,
    }
    config = OperatorConfig(namespace=NAMESPACE, job_poll_delay=1, lock_retry_delay=1)
    monkeypatch.setattr(main, "CONFIG", config)
    fakes = Fakes(FakeKubernetes(), FakeEngine())
    memo = kopf.Memo(
        dependencies=bootstrap.Dependencies(
            config=config,
            kubernetes=fakes.kubernetes,
            connect_engine=fakes.engine.connect,
            locks=DatabaseLocks(),
        )
    )
    registry = registry_as_in_the_cluster()
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "kmock", "cluster": {"server": str(kmock.url).rstrip("/")}}],
                "users": [{"name": "test", "user": {"token": "test"}}],
                "contexts": [{"name": "kmock", "context": {"cluster": "kmock", "user": "test"}}],
                "current-context": "kmock",
            }
        )
    )
    # kopf logs in through kubernetes_asyncio's kubeconfig loading (as a developer's operator
    # would), which read $KUBECONFIG when it was imported.
    monkeypatch.setattr(kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", str(kubeconfig))

    # kopf in a thread with its own loop, as `kopf run` would be: on stopping, kopf cancels
    # every task of its loop it did not start, which here would include pytest's own.
    stop = threading.Event()
    thread = threading.Thread(
        target=asyncio.run,
        args=(
            kopf.operator(
                registry=registry,
                namespaces=[NAMESPACE],
                memo=memo,
                standalone=True,
                stop_flag=stop,
            ),
        ),
        daemon=True,
    )
    thread.start()
    try:
        yield fakes
    finally:
        stop.set()
        await asyncio.to_thread(thread.join, 20)
    assert not thread.is_alive(), "kopf did not stop"


async def test_kopf_reconciles_a_database_migration_to_ready_with_its_revision(
    kmock: Any, operator: Fakes
) -> None:
    body = {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "DatabaseMigration",
        "metadata": {"name": "pricing", "namespace": NAMESPACE, "uid": "u-1", "generation": 1},
        "spec": SPEC,
    }
    kmock.objects[MIGRATIONS, NAMESPACE, "pricing"] = body
    job = job_name("pricing", SPEC)

    kubernetes = operator.kubernetes
    await until(lambda: job in kubernetes.created)
    stored = kmock.objects[MIGRATIONS, NAMESPACE, "pricing"]
    running = await until(lambda: stored.get("status", {}).get("conditions"))
    assert {c["type"]: c["status"] for c in running}["Progressing"] == "True"

    kubernetes.messages[(NAMESPACE, job)] = ["0002 (head)"]
    kubernetes.finish(job, succeeded=True)

    def ready() -> dict[str, Any] | None:
        status = kmock.objects[MIGRATIONS, NAMESPACE, "pricing"].get("status", {})
        states = {c["type"]: c["status"] for c in status.get("conditions", [])}
        return status if states.get("Ready") == "True" else None

    status = await until(ready)
    assert status["appliedRevision"] == "0002"
    assert status["jobName"] == job
    assert kubernetes.created == [job]  # one Job, however often the handler ran


def process_definition(name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "ProcessDefinition",
        # kopf adds a finalizer with a JSON patch that tests the resourceVersion.
        "metadata": {
            "name": name,
            "namespace": NAMESPACE,
            "uid": f"u-{name}",
            "generation": 1,
            "resourceVersion": "1",
        },
        "spec": {
            "engine": {"url": "http://camunda:8080/engine-rest"},
            "bpmn": {"inline": "<definitions/>", "fileName": f"{name}.bpmn"},
            **spec,
        },
    }


async def test_only_a_process_definition_that_asks_is_finalized_and_suspended_on_delete(
    kmock: Any, operator: Fakes
) -> None:
    kmock.objects[PROCESSES, NAMESPACE, "kept"] = process_definition("kept")
    kmock.objects[PROCESSES, NAMESPACE, "retired"] = process_definition(
        "retired", suspendOnDelete=True
    )

    def deployed(name: str) -> dict[str, Any] | None:
        found: dict[str, Any] = kmock.objects[PROCESSES, NAMESPACE, name]
        return found if found.get("status", {}).get("definitions") else None

    kept = await until(lambda: deployed("kept"))
    retired = await until(lambda: deployed("retired"))
    await until(lambda: FINALIZER in retired["metadata"].get("finalizers", []))
    assert FINALIZER not in kept["metadata"].get("finalizers", [])
    (definition,) = retired["status"]["definitions"]

    base = str(kmock.url).rstrip("/")
    url = f"{base}/apis/{GROUP}/{VERSION}/namespaces/{NAMESPACE}/{PROCESS_DEFINITIONS}"
    async with httpx.AsyncClient() as client:
        response = await client.delete(f"{url}/retired")
        assert response.status_code == 200, response.text

        async def gone() -> bool:
            return (await client.get(f"{url}/retired")).status_code == 404

        # The operator suspends, then releases its finalizer, and the resource is gone.
        await until(gone)
        assert (await client.get(f"{url}/kept")).status_code == 200
    assert operator.engine.suspended == [definition["id"]]
