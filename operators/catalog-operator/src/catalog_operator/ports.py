"""What the handlers need from the outside world; real adapters in `adapters/`, fakes in tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from catalog_chassis.workflow.engine import DeployedDefinition, Deployment


class KubernetesApi(Protocol):
    async def config_map_data(self, namespace: str, name: str) -> dict[str, str] | None:
        """The ConfigMap's data; None when there is no such ConfigMap."""

    async def secret_data(self, namespace: str, name: str) -> dict[str, str] | None:
        """The Secret's data, decoded; None when there is no such Secret."""

    async def list_jobs(self, namespace: str, label_selector: str) -> list[dict[str, Any]]: ...

    async def read_job(self, namespace: str, name: str) -> dict[str, Any] | None: ...

    async def create_job(self, namespace: str, body: Mapping[str, Any]) -> bool:
        """Create the Job; False when one of that name already existed (not an error)."""

    async def termination_messages(self, namespace: str, job_name: str) -> list[str]:
        """The termination messages of the Job's finished pods, newest first."""


@dataclass(frozen=True)
class EngineTarget:
    url: str
    username: str | None = None
    password: str | None = None


class ProcessEngine(Protocol):
    async def deploy(self, name: str, files: Mapping[str, bytes], *, source: str) -> Deployment: ...

    async def definitions_of(self, deployment_id: str) -> list[DeployedDefinition]:
        """The process definitions a deployment holds (for an unchanged, filtered deploy)."""

    async def suspend(self, definition_id: str) -> bool:
        """Suspend a process definition: no new instance starts from it, running ones go on,
        history stays. False when the engine has no such definition (nothing to suspend)."""


EngineConnector = Callable[[EngineTarget], AbstractAsyncContextManager[ProcessEngine]]


class Recorder(Protocol):
    """Kubernetes Events on the resource being handled."""

    def info(self, reason: str, message: str) -> None: ...

    def warn(self, reason: str, message: str) -> None: ...
