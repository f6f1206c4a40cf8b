"""The Kubernetes API through kubernetes_asyncio, as plain dicts."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from kubernetes_asyncio import client, config
from kubernetes_asyncio.client.exceptions import ApiException

NOT_FOUND = 404
CONFLICT = 409


class KubernetesClient:
    def __init__(self, api: client.ApiClient) -> None:
        self._api = api
        self._core = client.CoreV1Api(api)
        self._batch = client.BatchV1Api(api)

    @classmethod
    async def in_cluster_or_kubeconfig(cls) -> KubernetesClient:
        try:
            config.load_incluster_config()  # type: ignore[no-untyped-call]
        except config.ConfigException:
            await config.load_kube_config()
        return cls(client.ApiClient())

    async def close(self) -> None:
        await self._api.close()

    def _plain(self, model: Any) -> dict[str, Any]:
        plain: dict[str, Any] = self._api.sanitize_for_serialization(model)
        return plain

    async def config_map_data(self, namespace: str, name: str) -> dict[str, str] | None:
        try:
            found = await self._core.read_namespaced_config_map(name, namespace)
        except ApiException as error:
            if error.status == NOT_FOUND:
                return None
            raise
        return dict(found.data or {})

    async def secret_data(self, namespace: str, name: str) -> dict[str, str] | None:
        try:
            found = await self._core.read_namespaced_secret(name, namespace)
        except ApiException as error:
            if error.status == NOT_FOUND:
                return None
            raise
        return {key: base64.b64decode(value).decode() for key, value in (found.data or {}).items()}

    async def list_jobs(self, namespace: str, label_selector: str) -> list[dict[str, Any]]:
        found = await self._batch.list_namespaced_job(namespace, label_selector=label_selector)
        return [self._plain(job) for job in found.items]

    async def read_job(self, namespace: str, name: str) -> dict[str, Any] | None:
        try:
            return self._plain(await self._batch.read_namespaced_job(name, namespace))
        except ApiException as error:
            if error.status == NOT_FOUND:
                return None
            raise

    async def create_job(self, namespace: str, body: Mapping[str, Any]) -> bool:
        try:
            # The client serializes a plain dict as it is (its models are only a convenience).
            await self._batch.create_namespaced_job(namespace, dict(body))  # type: ignore[arg-type]
        except ApiException as error:
            if error.status == CONFLICT:
                return False
            raise
        return True

    async def termination_messages(self, namespace: str, job_name: str) -> list[str]:
        pods = await self._core.list_namespaced_pod(
            namespace, label_selector=f"job-name={job_name}"
        )
        newest_first = sorted(
            pods.items, key=lambda pod: pod.metadata.creation_timestamp, reverse=True
        )
        messages = []
        for pod in newest_first:
            for container in (pod.status and pod.status.container_statuses) or []:
                terminated = container.state and container.state.terminated
                if terminated and terminated.message:
                    messages.append(str(terminated.message))
        return messages
