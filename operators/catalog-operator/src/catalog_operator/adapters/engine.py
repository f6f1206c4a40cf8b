"""The process engine through the chassis' `EngineClient` (changed-only duplicate filtering)."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from catalog_chassis.workflow.engine import (
    DeployedDefinition,
    Deployment,
    EngineClient,
    EngineRejected,
    EngineUnavailable,
)
from catalog_operator.ports import EngineTarget, ProcessEngine


class ChassisEngine:
    def __init__(self, client: EngineClient) -> None:
        self._client = client

    async def deploy(self, name: str, files: Mapping[str, bytes], *, source: str) -> Deployment:
        # The chassis uploads files from disk; the root filesystem is read-only, /tmp is not.
        with tempfile.TemporaryDirectory(prefix="bpmn-") as directory:
            paths = []
            for file_name, content in sorted(files.items()):
                path = Path(directory) / Path(file_name).name
                path.write_bytes(content)
                paths.append(path)
            return await self._client.deploy(name, paths, source=source)

    async def definitions_of(self, deployment_id: str) -> list[DeployedDefinition]:
        found = await self._get("/process-definition", params={"deploymentId": deployment_id})
        return [DeployedDefinition(d["id"], d["key"], int(d["version"])) for d in found]

    async def suspend(self, definition_id: str) -> bool:
        body = {"suspended": True, "includeProcessInstances": False}
        try:
            await self._request("PUT", f"/process-definition/{definition_id}/suspended", json=body)
        except EngineRejected as error:
            if error.status == 404:
                return False
            raise
        return True

    async def _get(self, path: str, **kwargs: Any) -> Any:
        return await self._request("GET", path, **kwargs)

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._client.http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise EngineUnavailable(f"the process engine is unreachable: {error!r}") from error
        if response.status_code >= 500:
            raise EngineUnavailable(f"the process engine answered HTTP {response.status_code}")
        if response.status_code >= 400:
            raise EngineRejected(response.status_code, response.text[:2000])
        return response.json() if response.content else None


@asynccontextmanager
async def connect(target: EngineTarget) -> AsyncIterator[ProcessEngine]:
    """One client per reconcile: each resource may point at its own engine."""
    client = EngineClient(target.url, username=target.username, password=target.password)
    try:
        yield ChassisEngine(client)
    finally:
        await client.aclose()
