"""On deleting a ProcessDefinition with `suspendOnDelete: true`: suspend the definitions it
deployed, so they stop being the active versions (starting a process by key fails; running
instances go on; the engine keeps every deployment and its history).

Only such resources get kopf's finalizer (the delete handler is filtered on the flag), so a
resource without it is deleted without the operator. Sub-steps, each safe to repeat: the
engine's credentials -> suspend each recorded definition (an already suspended one stays so, a
definition the engine no longer has is skipped). An unreachable engine is retried with a
growing delay: the resource stays until its definitions are suspended.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import kopf

from catalog_chassis.workflow.engine import EngineRejected, EngineUnavailable
from catalog_operator.config import OperatorConfig
from catalog_operator.handlers.handle_deploy_process_definition import engine_target
from catalog_operator.ports import EngineConnector, KubernetesApi, Recorder


def suspends_on_delete(spec: Mapping[str, Any]) -> bool:
    return bool(spec.get("suspendOnDelete"))


async def suspend_process_definition(
    body: Mapping[str, Any],
    *,
    kubernetes: KubernetesApi,
    connect: EngineConnector,
    recorder: Recorder,
    config: OperatorConfig,
    retry: int = 0,
) -> list[str]:
    """Suspend what the resource deployed; returns the ids suspended."""
    metadata = body["metadata"]
    definitions = [d["id"] for d in (body.get("status") or {}).get("definitions") or []]
    if not definitions:
        return []  # nothing was deployed
    delay = config.engine_retry_after(retry)
    try:
        target = await engine_target(body["spec"], metadata["namespace"], kubernetes)
    except LookupError as error:
        recorder.warn("CredentialsNotFound", str(error))
        raise kopf.TemporaryError(str(error), delay=delay) from error
    suspended = []
    try:
        async with connect(target) as engine:
            for definition_id in definitions:
                if await engine.suspend(definition_id):
                    suspended.append(definition_id)
    except EngineUnavailable as error:
        recorder.warn("EngineUnavailable", str(error))
        raise kopf.TemporaryError(str(error), delay=delay) from error
    except EngineRejected as error:
        # e.g. the engine user may not suspend: no retry fixes that, and the resource must go.
        recorder.warn("SuspendRejected", str(error))
        raise kopf.PermanentError(str(error)) from error
    if suspended:
        recorder.info("Suspended", f"suspended {', '.join(suspended)}")
    return suspended
