"""kopf's entry points: thin, each delegates to a handler of `handlers/`.

Run with `python -m catalog_operator` (or `kopf run -m catalog_operator.main`).
"""

from __future__ import annotations

from typing import Any, cast

import kopf

from catalog_operator import bootstrap
from catalog_operator.config import OperatorConfig
from catalog_operator.handlers import (
    handle_deploy_process_definition,
    handle_run_database_migration,
    handle_suspend_process_definition,
)
from catalog_operator.resources import DATABASE_MIGRATIONS, GROUP, PROCESS_DEFINITIONS, VERSION

CONFIG = OperatorConfig()
# Retries of a handler that failed unexpectedly (an API error): kopf waits this long between.
HANDLER_BACKOFF = 30.0


class KopfRecorder:
    """Kubernetes Events on ``body`` through kopf's posting queue."""

    def __init__(self, body: kopf.Body) -> None:
        self._body = body

    def info(self, reason: str, message: str) -> None:
        kopf.info(self._body, reason=reason, message=message)

    def warn(self, reason: str, message: str) -> None:
        kopf.warn(self._body, reason=reason, message=message)


def _dependencies(memo: kopf.Memo) -> bootstrap.Dependencies:
    return cast(bootstrap.Dependencies, memo["dependencies"])


@kopf.on.startup()
async def start(settings: kopf.OperatorSettings, memo: kopf.Memo, **_: Any) -> None:
    bootstrap.apply_settings(settings, CONFIG)
    # Real adapters unless the caller handed its own in (`kopf.operator(memo=...)`, in tests).
    if "dependencies" not in memo:
        memo["dependencies"] = await bootstrap.dependencies(CONFIG)


@kopf.on.cleanup()
async def stop(memo: kopf.Memo, **_: Any) -> None:
    await _dependencies(memo).close()


@kopf.on.resume(GROUP, VERSION, PROCESS_DEFINITIONS, id="deploy", backoff=HANDLER_BACKOFF)
@kopf.on.create(GROUP, VERSION, PROCESS_DEFINITIONS, id="deploy", backoff=HANDLER_BACKOFF)
@kopf.on.update(GROUP, VERSION, PROCESS_DEFINITIONS, id="deploy", backoff=HANDLER_BACKOFF)
async def deploy_process_definition(
    body: kopf.Body, patch: kopf.Patch, memo: kopf.Memo, retry: int, **_: Any
) -> None:
    await _deploy(body, patch, memo, retry=retry)


# A ConfigMap's change does not touch the ProcessDefinition: look at the BPMN now and then.
# kopf keeps a finalizer on every resource a timer runs for, so with the re-check off
# (`bpmn_recheck_seconds: 0`, e.g. where Helm puts the BPMN's digest on the resource) none is
# registered: a resource can then be deleted without the operator running.
async def recheck_process_definition(
    body: kopf.Body, patch: kopf.Patch, memo: kopf.Memo, **_: Any
) -> None:
    await _deploy(body, patch, memo, only_if_changed=True)


async def _deploy(
    body: kopf.Body,
    patch: kopf.Patch,
    memo: kopf.Memo,
    *,
    retry: int = 0,
    only_if_changed: bool = False,
) -> None:
    deps = _dependencies(memo)
    await handle_deploy_process_definition.deploy_process_definition(
        body,
        patch.status,
        kubernetes=deps.kubernetes,
        connect=deps.connect_engine,
        recorder=KopfRecorder(body),
        config=deps.config,
        retry=retry,
        only_if_changed=only_if_changed,
    )


if CONFIG.bpmn_recheck_seconds:
    kopf.timer(
        GROUP, VERSION, PROCESS_DEFINITIONS, id="recheck", interval=CONFIG.bpmn_recheck_seconds
    )(recheck_process_definition)


def _suspends_on_delete(spec: kopf.Spec, **_: Any) -> bool:
    return handle_suspend_process_definition.suspends_on_delete(spec)


# Filtered: only a resource that asks for it (`suspendOnDelete`) gets kopf's finalizer.
@kopf.on.delete(
    GROUP,
    VERSION,
    PROCESS_DEFINITIONS,
    id="suspend",
    when=_suspends_on_delete,
    backoff=HANDLER_BACKOFF,
)
async def suspend_process_definition(
    body: kopf.Body, memo: kopf.Memo, retry: int, **_: Any
) -> None:
    deps = _dependencies(memo)
    await handle_suspend_process_definition.suspend_process_definition(
        body,
        kubernetes=deps.kubernetes,
        connect=deps.connect_engine,
        recorder=KopfRecorder(body),
        config=deps.config,
        retry=retry,
    )


@kopf.on.resume(GROUP, VERSION, DATABASE_MIGRATIONS, id="migrate", backoff=HANDLER_BACKOFF)
@kopf.on.create(GROUP, VERSION, DATABASE_MIGRATIONS, id="migrate", backoff=HANDLER_BACKOFF)
@kopf.on.update(GROUP, VERSION, DATABASE_MIGRATIONS, id="migrate", backoff=HANDLER_BACKOFF)
async def run_database_migration(
    body: kopf.Body, patch: kopf.Patch, memo: kopf.Memo, **_: Any
) -> None:
    deps = _dependencies(memo)
    await handle_run_database_migration.run_database_migration(
        body,
        patch.status,
        kubernetes=deps.kubernetes,
        locks=deps.locks,
        recorder=KopfRecorder(body),
        config=deps.config,
    )
