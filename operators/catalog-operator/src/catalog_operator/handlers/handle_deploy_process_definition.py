"""Deploy a ProcessDefinition's BPMN to its engine and record what the engine made of it.

Sub-steps, each safe to repeat: read the BPMN (ConfigMap or inline) -> read the engine's
credentials (Secret) -> deploy with changed-only duplicate filtering (an unchanged BPMN makes
no new version) -> record the deployment and definition ids in status.

An invalid BPMN (the engine's 400) is Degraded with the engine's message and not retried: only
a changed spec or ConfigMap can fix it. An unreachable engine is retried with a growing delay.
Deleting the resource leaves the engine's deployments and history alone; with `suspendOnDelete`
the definitions are suspended first (handle_suspend_process_definition).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

import kopf

from catalog_chassis.workflow.engine import (
    DeployedDefinition,
    EngineRejected,
    EngineUnavailable,
)
from catalog_operator import conditions
from catalog_operator.builders import SpecError, bpmn_files, content_digest, deployment_name
from catalog_operator.config import OperatorConfig
from catalog_operator.ports import EngineConnector, EngineTarget, KubernetesApi, Recorder

UNAUTHORIZED = (401, 403)


async def engine_target(
    spec: Mapping[str, Any], namespace: str, kubernetes: KubernetesApi
) -> EngineTarget:
    engine = spec["engine"]
    reference = engine.get("credentialsSecret")
    if not reference:
        return EngineTarget(url=engine["url"])
    data = await kubernetes.secret_data(namespace, reference["name"])
    if data is None:
        raise LookupError(f"Secret {reference['name']} not found")
    username_key = reference.get("usernameKey", "username")
    password_key = reference.get("passwordKey", "password")
    missing = [key for key in (username_key, password_key) if key not in data]
    if missing:
        raise LookupError(f"Secret {reference['name']} has no key {', '.join(missing)}")
    return EngineTarget(engine["url"], data[username_key], data[password_key])


def merged(
    recorded: Sequence[Mapping[str, Any]], deployed: Sequence[DeployedDefinition]
) -> list[dict[str, Any]]:
    """The recorded definitions with the newly deployed ones in place of theirs (by key)."""
    by_key = {str(d["key"]): dict(d) for d in recorded}
    for definition in deployed:
        by_key[definition.key] = {
            "id": definition.id,
            "key": definition.key,
            "version": definition.version,
        }
    return [by_key[key] for key in sorted(by_key)]


async def deploy_process_definition(
    body: Mapping[str, Any],
    status: MutableMapping[str, Any],
    *,
    kubernetes: KubernetesApi,
    connect: EngineConnector,
    recorder: Recorder,
    config: OperatorConfig,
    retry: int = 0,
    only_if_changed: bool = False,
) -> None:
    """Reconcile one ProcessDefinition; ``status`` is the status patch to fill.

    ``only_if_changed``: skip when the BPMN is the one last handled (the periodic re-check).
    """
    metadata = body["metadata"]
    spec = body["spec"]
    namespace = metadata["namespace"]
    generation = metadata.get("generation")
    current = body.get("status") or {}
    previous = current.get("conditions") or []

    def report(new_conditions: list[conditions.Condition]) -> None:
        status["conditions"] = new_conditions
        status["observedGeneration"] = generation

    # 1. The BPMN.
    config_map: dict[str, str] | None = None
    reference = spec["bpmn"].get("configMapRef")
    if reference:
        config_map = await kubernetes.config_map_data(namespace, reference["name"])
        if config_map is None:
            message = f"ConfigMap {reference['name']} not found"
            report(conditions.progressing(previous, "ConfigMapNotFound", message, generation))
            recorder.warn("ConfigMapNotFound", message)
            raise kopf.TemporaryError(message, delay=config.lock_retry_delay)
    try:
        files = bpmn_files(spec, config_map)
    except SpecError as error:
        report(conditions.degraded(previous, "InvalidSource", str(error), generation))
        recorder.warn("InvalidSource", str(error))
        raise kopf.PermanentError(str(error)) from error
    digest = content_digest(files)
    if only_if_changed and current.get("contentDigest") == digest:
        return

    # 2. The engine's credentials.
    try:
        target = await engine_target(spec, namespace, kubernetes)
    except LookupError as error:
        report(conditions.progressing(previous, "CredentialsNotFound", str(error), generation))
        recorder.warn("CredentialsNotFound", str(error))
        raise kopf.TemporaryError(str(error), delay=config.lock_retry_delay) from error

    # 3. Deploy (the engine skips what did not change) and record the result.
    name = deployment_name(body)
    try:
        async with connect(target) as engine:
            deployment = await engine.deploy(name, files, source=config.deployment_source)
            deployed = list(deployment.deployed)
            recorded = current.get("definitions") or []
            if not deployed and not recorded and deployment.id:
                deployed = await engine.definitions_of(deployment.id)
    except EngineUnavailable as error:
        delay = config.engine_retry_after(retry)
        report(conditions.progressing(previous, "EngineUnavailable", str(error), generation))
        recorder.warn("EngineUnavailable", f"{error}; retrying in {delay}s")
        raise kopf.TemporaryError(str(error), delay=delay) from error
    except EngineRejected as error:
        status["contentDigest"] = digest
        if error.status in UNAUTHORIZED:
            # Fixed by changing the Secret, which is not watched: look again later.
            message = f"the engine refused the credentials: {error.message}"
            report(conditions.degraded(previous, "EngineUnauthorized", message, generation))
            recorder.warn("EngineUnauthorized", message)
            raise kopf.TemporaryError(message, delay=config.engine_max_retry_delay) from error
        report(conditions.degraded(previous, "DeploymentRejected", error.message, generation))
        recorder.warn("DeploymentRejected", error.message)
        raise kopf.PermanentError(f"the engine rejected the BPMN: {error.message}") from error

    definitions = merged(recorded, deployed)
    # Unchanged: the engine answers with the deployment that already holds the BPMN.
    status["deploymentId"] = deployment.id or current.get("deploymentId")
    status["definitions"] = definitions
    status["contentDigest"] = digest
    if definitions:
        # The first definition in columns: most ProcessDefinitions hold one process.
        status["processDefinitionId"] = definitions[0]["id"]
        status["key"] = definitions[0]["key"]
        status["version"] = definitions[0]["version"]
    summary = ", ".join(f"{d['key']} v{d['version']}" for d in definitions) or "no process"
    if deployment.deployed:
        report(conditions.ready(previous, "Deployed", f"deployed {summary}", generation))
        recorder.info("Deployed", f"deployment {deployment.id}: {summary}")
    else:
        report(conditions.ready(previous, "Unchanged", f"unchanged: {summary}", generation))
