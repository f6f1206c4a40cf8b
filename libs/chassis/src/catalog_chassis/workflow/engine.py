"""The process engine's REST API (Camunda 7; Operaton serves the same API).

Everything the platform asks of an engine goes through `EngineClient`: deploy definitions,
start an instance, ask whether one was started, and the external-task protocol
(fetchAndLock, complete, bpmnError, failure, extendLock). Only this module knows the wire
format (typed variables, millisecond durations); swapping the engine means swapping it.

Calls fail as `EngineUnavailable` when the engine cannot be reached or answers 5xx, and as
`EngineRejected` when it refuses the request (4xx: a parse error, an unknown task, a lock
held by another worker).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from catalog_chassis.errors import ServiceUnavailable
from catalog_chassis.workflow.tasks import ExternalTask

# Connecting and writing must be quick; reading waits as long as a long poll may last.
CONNECT_TIMEOUT = 3.0
REQUEST_TIMEOUT = 10.0
LONG_POLL_GRACE = 10.0


class EngineUnavailable(ServiceUnavailable):
    """The engine could not be reached or failed (connection error, timeout, 5xx)."""


class EngineRejected(Exception):
    """The engine refused the request (4xx), e.g. an invalid BPMN or a task that is gone."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class DeployedDefinition:
    id: str
    key: str
    version: int


@dataclass(frozen=True)
class Deployment:
    id: str | None
    # Definitions this deployment (re)deployed: empty when nothing had changed.
    deployed: Sequence[DeployedDefinition] = field(default_factory=tuple)


@dataclass(frozen=True)
class TopicSubscription:
    name: str
    lock_duration_ms: int
    variables: Sequence[str] | None = None  # None: every variable


def typed_variables(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Plain values in the engine's typed form; lists and dicts travel as JSON strings."""
    typed: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        if value is None:
            typed[name] = {"value": None, "type": "Null"}
        elif isinstance(value, bool):
            typed[name] = {"value": value, "type": "Boolean"}
        elif isinstance(value, int):
            typed[name] = {"value": value, "type": "Long"}
        elif isinstance(value, float):
            typed[name] = {"value": value, "type": "Double"}
        elif isinstance(value, list | dict | tuple):
            typed[name] = {"value": json.dumps(value), "type": "String"}
        else:
            typed[name] = {"value": str(value), "type": "String"}
    return typed


def plain_variables(typed: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any]:
    return {name: variable.get("value") for name, variable in (typed or {}).items()}


def external_task(payload: Mapping[str, Any]) -> ExternalTask:
    return ExternalTask(
        id=payload["id"],
        topic=payload["topicName"],
        worker_id=payload["workerId"],
        process_instance_id=payload["processInstanceId"],
        process_definition_key=payload.get("processDefinitionKey") or "",
        business_key=payload.get("businessKey"),
        variables=plain_variables(payload.get("variables")),
        retries=payload.get("retries"),
        error_message=payload.get("errorMessage"),
    )


class EngineClient:
    """An async client of one engine's REST API (``base_url`` ends in ``/engine-rest``)."""

    def __init__(
        self,
        base_url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        auth = httpx.BasicAuth(username, password) if username and password else None
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            auth=auth,
            timeout=httpx.Timeout(REQUEST_TIMEOUT, connect=CONNECT_TIMEOUT),
            transport=transport,
        )

    @property
    def http(self) -> httpx.AsyncClient:
        return self._http

    async def aclose(self) -> None:
        await self._http.aclose()

    async def deploy(
        self, name: str, files: Sequence[Path], *, source: str = "catalog"
    ) -> Deployment:
        """Deploy ``files`` as one deployment, skipping every unchanged definition."""
        data = {
            "deployment-name": name,
            "deployment-source": source,
            "enable-duplicate-filtering": "true",
            "deploy-changed-only": "true",
        }
        uploads = [(path.name, (path.name, path.read_bytes(), "application/xml")) for path in files]
        result = await self._call("POST", "/deployment/create", data=data, files=uploads)
        definitions = result.get("deployedProcessDefinitions") or {}
        return Deployment(
            id=result.get("id"),
            deployed=tuple(
                DeployedDefinition(d["id"], d["key"], int(d["version"]))
                for d in definitions.values()
            ),
        )

    async def start_process(
        self, key: str, *, business_key: str, variables: Mapping[str, Any]
    ) -> str:
        """Start the newest version of the process ``key``; the instance id."""
        result = await self._call(
            "POST",
            f"/process-definition/key/{key}/start",
            json={"businessKey": business_key, "variables": typed_variables(variables)},
        )
        return str(result["id"])

    async def count_instances(self, business_key: str, **equal_variables: str) -> int:
        """How many instances (running or finished) have this business key and variables."""
        result = await self._call(
            "POST",
            "/history/process-instance/count",
            json={
                "processInstanceBusinessKey": business_key,
                "variables": [
                    {"name": name, "operator": "eq", "value": value}
                    for name, value in equal_variables.items()
                ],
            },
        )
        return int(result["count"])

    async def fetch_and_lock(
        self,
        worker_id: str,
        topics: Sequence[TopicSubscription],
        *,
        max_tasks: int,
        long_poll_ms: int,
    ) -> list[ExternalTask]:
        """Wait up to ``long_poll_ms`` for tasks of ``topics``; lock and return them."""
        body = {
            "workerId": worker_id,
            "maxTasks": max_tasks,
            "usePriority": True,
            "asyncResponseTimeout": long_poll_ms,
            "topics": [
                {
                    "topicName": topic.name,
                    "lockDuration": topic.lock_duration_ms,
                    **({"variables": list(topic.variables)} if topic.variables else {}),
                }
                for topic in topics
            ],
        }
        wait = httpx.Timeout(long_poll_ms / 1000 + LONG_POLL_GRACE, connect=CONNECT_TIMEOUT)
        result = await self._call("POST", "/external-task/fetchAndLock", json=body, timeout=wait)
        return [external_task(task) for task in result]

    async def complete(
        self, task: ExternalTask, variables: Mapping[str, Any] | None = None
    ) -> None:
        await self._call(
            "POST",
            f"/external-task/{task.id}/complete",
            json={"workerId": task.worker_id, "variables": typed_variables(variables or {})},
        )

    async def bpmn_error(
        self,
        task: ExternalTask,
        code: str,
        message: str,
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        await self._call(
            "POST",
            f"/external-task/{task.id}/bpmnError",
            json={
                "workerId": task.worker_id,
                "errorCode": code,
                "errorMessage": message,
                "variables": typed_variables(variables or {}),
            },
        )

    async def failure(
        self, task: ExternalTask, message: str, *, details: str, retries: int, retry_ms: int
    ) -> None:
        await self._call(
            "POST",
            f"/external-task/{task.id}/failure",
            json={
                "workerId": task.worker_id,
                "errorMessage": message[:600],
                "errorDetails": details,
                "retries": retries,
                "retryTimeout": retry_ms,
            },
        )

    async def extend_lock(self, task: ExternalTask, duration_ms: int) -> None:
        await self._call(
            "POST",
            f"/external-task/{task.id}/extendLock",
            json={"workerId": task.worker_id, "newDuration": duration_ms},
        )

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise EngineUnavailable(f"the process engine is unreachable: {error!r}") from error
        if _unparsable_resource(response):
            raise EngineRejected(response.status_code, _message(response))
        if response.status_code >= 500:
            raise EngineUnavailable(
                f"the process engine answered HTTP {response.status_code}: {_message(response)}"
            )
        if response.status_code >= 400:
            raise EngineRejected(response.status_code, _message(response))
        if response.status_code == 204 or not response.content:
            return None
        return response.json()


# Camunda answers a deployment whose resource is not even well-formed XML with HTTP 500 and
# its BPMN parser's code ENGINE-09003 ("Could not parse '<file>'"): a fault of the request,
# which no retry fixes, not of the engine (a BPMN that parses but is invalid gets a 400).
_UNPARSABLE_RESOURCE = "ENGINE-09003"


def _unparsable_resource(response: httpx.Response) -> bool:
    return response.status_code == 500 and _message(response).startswith(_UNPARSABLE_RESOURCE)


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    if isinstance(body, Mapping):
        return str(body.get("message") or body)[:2000]
    return str(body)[:500]
