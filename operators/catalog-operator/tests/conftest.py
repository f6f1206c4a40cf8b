"""Fakes of the operator's ports (Kubernetes API, process engine, Events): no cluster needed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from catalog_chassis.workflow.engine import DeployedDefinition, Deployment, EngineRejected
from catalog_operator.config import OperatorConfig
from catalog_operator.locks import DatabaseLocks
from catalog_operator.ports import EngineTarget, ProcessEngine

NAMESPACE = "catalog"


class FakeKubernetes:
    def __init__(self) -> None:
        self.config_maps: dict[tuple[str, str], dict[str, str]] = {}
        self.secrets: dict[tuple[str, str], dict[str, str]] = {}
        self.jobs: dict[tuple[str, str], dict[str, Any]] = {}
        self.messages: dict[tuple[str, str], list[str]] = {}
        self.created: list[str] = []

    async def config_map_data(self, namespace: str, name: str) -> dict[str, str] | None:
        return self.config_maps.get((namespace, name))

    async def secret_data(self, namespace: str, name: str) -> dict[str, str] | None:
        return self.secrets.get((namespace, name))

    async def list_jobs(self, namespace: str, label_selector: str) -> list[dict[str, Any]]:
        key, value = label_selector.split("=")
        found = [
            job
            for (ns, _), job in self.jobs.items()
            if ns == namespace and job["metadata"].get("labels", {}).get(key) == value
        ]
        # A real call answers from the state when it was made and yields meanwhile: concurrent
        # handlers interleave here, as they would in the operator.
        await asyncio.sleep(0)
        return found

    async def read_job(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self.jobs.get((namespace, name))

    async def create_job(self, namespace: str, body: Mapping[str, Any]) -> bool:
        key = (namespace, body["metadata"]["name"])
        if key in self.jobs:
            return False
        self.jobs[key] = {**dict(body), "status": {}}
        self.created.append(body["metadata"]["name"])
        return True

    async def termination_messages(self, namespace: str, job_name: str) -> list[str]:
        return self.messages.get((namespace, job_name), [])

    def finish(self, name: str, *, succeeded: bool, message: str = "") -> None:
        kind = "Complete" if succeeded else "Failed"
        job = self.jobs[(NAMESPACE, name)]
        job["status"] = {"conditions": [{"type": kind, "status": "True", "message": message}]}


@dataclass
class FakeEngine:
    """Changed-only duplicate filtering, as the engine does it, over a dict of deployments."""

    deployments: list[tuple[str, str, dict[str, bytes]]] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    definitions: dict[str, list[DeployedDefinition]] = field(default_factory=dict)
    failure: Exception | None = None
    targets: list[EngineTarget] = field(default_factory=list)
    suspended: list[str] = field(default_factory=list)

    async def deploy(self, name: str, files: Mapping[str, bytes], *, source: str) -> Deployment:
        if self.failure is not None:
            raise self.failure
        for file_name, content in files.items():
            if b"<invalid" in content:
                raise EngineRejected(400, f"ENGINE-09005 Could not parse BPMN process: {file_name}")
        latest = self._latest(name)
        changed = {f: c for f, c in files.items() if latest.get(f) != c}
        if not changed:
            previous = next(d for d in reversed(self.deployments) if d[0] == name)
            return Deployment(id=previous[1])
        deployment_id = f"deployment-{len(self.deployments) + 1}"
        self.deployments.append((name, deployment_id, dict(changed)))
        deployed = []
        for file_name in sorted(changed):
            key = file_name.split(".")[0]
            self.versions[key] = self.versions.get(key, 0) + 1
            version = self.versions[key]
            deployed.append(DeployedDefinition(f"{key}:{version}:{deployment_id}", key, version))
        self.definitions[deployment_id] = deployed
        return Deployment(id=deployment_id, deployed=tuple(deployed))

    async def definitions_of(self, deployment_id: str) -> list[DeployedDefinition]:
        return list(self.definitions.get(deployment_id, []))

    async def suspend(self, definition_id: str) -> bool:
        if self.failure is not None:
            raise self.failure
        known = {d.id for deployed in self.definitions.values() for d in deployed}
        if definition_id not in known:
            return False
        if definition_id not in self.suspended:
            self.suspended.append(definition_id)
        return True

    def _latest(self, name: str) -> dict[str, bytes]:
        latest: dict[str, bytes] = {}
        for deployment_name, _, files in self.deployments:
            if deployment_name == name:
                latest.update(files)
        return latest

    @asynccontextmanager
    async def connect(self, target: EngineTarget) -> AsyncIterator[ProcessEngine]:
        self.targets.append(target)
        yield self


class FakeRecorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, str]] = []

    def info(self, reason: str, message: str) -> None:
        self.events.append(("Normal", reason, message))

    def warn(self, reason: str, message: str) -> None:
        self.events.append(("Warning", reason, message))

    @property
    def reasons(self) -> list[str]:
        return [reason for _, reason, _ in self.events]


@pytest.fixture
def config() -> OperatorConfig:
    return OperatorConfig()


@pytest.fixture
def kubernetes() -> FakeKubernetes:
    return FakeKubernetes()


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def recorder() -> FakeRecorder:
    return FakeRecorder()


@pytest.fixture
def locks() -> DatabaseLocks:
    return DatabaseLocks()
