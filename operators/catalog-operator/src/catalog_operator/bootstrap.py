"""The composition root: kopf's settings and the real adapters behind the handlers' ports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import kopf

from catalog_operator.adapters import engine
from catalog_operator.adapters.kubernetes import KubernetesClient
from catalog_operator.config import OperatorConfig
from catalog_operator.locks import DatabaseLocks
from catalog_operator.ports import EngineConnector, KubernetesApi
from catalog_operator.resources import GROUP


def apply_settings(settings: kopf.OperatorSettings, config: OperatorConfig) -> None:
    # A watch that silently stops delivering events is a known kopf failure mode: bound every
    # watch request on the server's side, and on the client's in case the server never ends it.
    settings.watching.server_timeout = config.watch_server_timeout
    settings.watching.client_timeout = config.watch_client_timeout
    settings.watching.connect_timeout = config.connect_timeout
    settings.networking.connect_timeout = config.connect_timeout
    settings.networking.request_timeout = config.request_timeout
    # Our own annotation prefix and finalizer name, not kopf's defaults.
    settings.persistence.finalizer = f"{GROUP}/operator"
    settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(prefix=GROUP)
    settings.persistence.diffbase_storage = kopf.AnnotationsDiffBaseStorage(prefix=GROUP)
    # One replica (Recreate): no peering objects to install.
    settings.peering.standalone = True
    # Watching one namespace, the operator's Role grants nothing cluster-wide: no scanning of
    # namespaces and CRDs (kopf would retry those forbidden lists forever).
    settings.scanning.disabled = bool(config.namespace)
    settings.posting.enabled = True


@dataclass
class Dependencies:
    config: OperatorConfig
    kubernetes: KubernetesApi
    connect_engine: EngineConnector
    locks: DatabaseLocks
    closer: Any = None

    async def close(self) -> None:
        if isinstance(self.closer, KubernetesClient):
            await self.closer.close()


async def dependencies(config: OperatorConfig) -> Dependencies:
    kubernetes = await KubernetesClient.in_cluster_or_kubeconfig()
    return Dependencies(
        config=config,
        kubernetes=kubernetes,
        connect_engine=engine.connect,
        locks=DatabaseLocks(),
        closer=kubernetes,
    )
