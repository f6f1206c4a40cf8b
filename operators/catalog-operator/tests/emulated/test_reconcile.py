"""kopf itself, with the operator's registered handlers, against kmock's Kubernetes API
emulator: it watches a DatabaseMigration, runs the handler, retries it while the Job runs and
patches the status to Ready with the revision, with no cluster. The handler's own Kubernetes
calls go to the port's fake, so the test controls when the Job finishes."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import kmock as km
import kopf
import pytest
import yaml
from kubernetes_asyncio.config import kube_config

from catalog_operator import bootstrap, main
from catalog_operator.builders import job_name
from catalog_operator.config import OperatorConfig
from catalog_operator.locks import DatabaseLocks
from catalog_operator.resources import DATABASE_MIGRATIONS, GROUP, VERSION

from ..conftest import NAMESPACE, FakeKubernetes

MIGRATIONS = km.resource(GROUP, VERSION, DATABASE_MIGRATIONS)
SPEC = {"service": "pricing", "image": "catalog/pricing:1", "targetRevision": "head"}


async def until(condition: Callable[[], Any], within: float = 20.0) -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while not (found := condition()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {within}s")
        await asyncio.sleep(0.05)
    return found


@pytest.fixture
async def operator(
    kmock: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> AsyncIterator[FakeKubernetes]:
    """kopf running main's handlers in NAMESPACE against kmock; yields the handler's fake."""
    kmock.resources[f"{GROUP}/{VERSION}/{DATABASE_MIGRATIONS}"] = {
        "kind": "DatabaseMigration",
        "namespaced": True,
        "subresources": ["status"],
        "verbs": ["get", "list", "watch", "patch"],
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
    kubernetes = FakeKubernetes()
    memo = kopf.Memo(
        dependencies=bootstrap.Dependencies(
            config=config,
            kubernetes=kubernetes,
            connect_engine=lambda target: contextlib.nullcontext(),  # unused here
            locks=DatabaseLocks(),
        )
    )
    registry = kopf.get_default_registry()  # main's handlers and kopf's own logins
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
        yield kubernetes
    finally:
        stop.set()
        await asyncio.to_thread(thread.join, 20)
    assert not thread.is_alive(), "kopf did not stop"


async def test_kopf_reconciles_a_database_migration_to_ready_with_its_revision(
    kmock: Any, operator: FakeKubernetes
) -> None:
    body = {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "DatabaseMigration",
        "metadata": {"name": "pricing", "namespace": NAMESPACE, "uid": "u-1", "generation": 1},
        "spec": SPEC,
    }
    kmock.objects[MIGRATIONS, NAMESPACE, "pricing"] = body
    job = job_name("pricing", SPEC)

    await until(lambda: job in operator.created)
    stored = kmock.objects[MIGRATIONS, NAMESPACE, "pricing"]
    running = await until(lambda: stored.get("status", {}).get("conditions"))
    assert {c["type"]: c["status"] for c in running}["Progressing"] == "True"

    operator.messages[(NAMESPACE, job)] = ["0002 (head)"]
    operator.finish(job, succeeded=True)

    def ready() -> dict[str, Any] | None:
        status = kmock.objects[MIGRATIONS, NAMESPACE, "pricing"].get("status", {})
        states = {c["type"]: c["status"] for c in status.get("conditions", [])}
        return status if states.get("Ready") == "True" else None

    status = await until(ready)
    assert status["appliedRevision"] == "0002"
    assert status["jobName"] == job
    assert operator.created == [job]  # one Job, however often the handler ran
