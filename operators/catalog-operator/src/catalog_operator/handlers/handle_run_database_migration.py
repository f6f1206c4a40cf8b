"""Run a DatabaseMigration as a Job of the service's image and record the applied revision.

Sub-steps, each safe to repeat: done already for this spec? -> find the Job (its name is
derived from the spec, so a repeat finds the same one) -> else, unless another migration of
the same database is running, create it, owned by the DatabaseMigration -> wait for it with
`TemporaryError(delay=...)` -> record the revision `alembic current` reported, and Ready.

Retries: the Job's pods are retried by Kubernetes with exponential backoff (`backoffLimit`);
a Job that failed after them is Degraded and left for its logs, and a changed spec runs anew.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

import kopf

from catalog_operator import conditions
from catalog_operator.builders import (
    applied_revision,
    build_migration_job,
    database_of,
    is_active,
    job_outcome,
    target_revision,
)
from catalog_operator.config import OperatorConfig
from catalog_operator.locks import DatabaseLocks
from catalog_operator.ports import KubernetesApi, Recorder
from catalog_operator.resources import DATABASE_LABEL


def already_applied(current: Mapping[str, Any], job_name: str, generation: Any) -> bool:
    ready = conditions.find(current.get("conditions") or [], conditions.READY)
    return (
        current.get("jobName") == job_name
        and bool(current.get("appliedRevision"))
        and ready is not None
        and ready.get("status") == "True"
        and current.get("observedGeneration") == generation
    )


async def run_database_migration(
    body: Mapping[str, Any],
    status: MutableMapping[str, Any],
    *,
    kubernetes: KubernetesApi,
    locks: DatabaseLocks,
    recorder: Recorder,
    config: OperatorConfig,
) -> None:
    """Reconcile one DatabaseMigration; ``status`` is the status patch to fill."""
    metadata = body["metadata"]
    spec = body["spec"]
    namespace = metadata["namespace"]
    generation = metadata.get("generation")
    current = body.get("status") or {}
    previous = current.get("conditions") or []
    database = database_of(spec)
    job = build_migration_job(body, config)
    job_name = job["metadata"]["name"]

    def report(new_conditions: list[conditions.Condition]) -> None:
        status["conditions"] = new_conditions
        status["observedGeneration"] = generation

    if already_applied(current, job_name, generation):
        return

    existing = await kubernetes.read_job(namespace, job_name)
    if existing is None:
        async with locks.hold(namespace, database):
            jobs = await kubernetes.list_jobs(namespace, f"{DATABASE_LABEL}={database}")
            running = sorted(
                j["metadata"]["name"]
                for j in jobs
                if is_active(j) and j["metadata"]["name"] != job_name
            )
            if running:
                message = f"waiting for {running[0]}, a migration of database {database}"
                report(conditions.progressing(previous, "WaitingForDatabase", message, generation))
                raise kopf.TemporaryError(message, delay=config.lock_retry_delay)
            created = await kubernetes.create_job(namespace, job)
        status["jobName"] = job_name
        message = f"Job {job_name} migrates {database} to {target_revision(spec)}"
        report(conditions.progressing(previous, "MigrationRunning", message, generation))
        if created:
            recorder.info("MigrationStarted", message)
        raise kopf.TemporaryError(message, delay=config.job_poll_delay)

    outcome = job_outcome(existing)
    status["jobName"] = job_name
    if not outcome.finished:
        report(conditions.progressing(previous, "MigrationRunning", outcome.message, generation))
        raise kopf.TemporaryError(outcome.message, delay=config.job_poll_delay)
    if not outcome.succeeded:
        report(conditions.degraded(previous, "MigrationFailed", outcome.message, generation))
        recorder.warn("MigrationFailed", f"Job {job_name}: {outcome.message}")
        raise kopf.PermanentError(outcome.message)

    messages = await kubernetes.termination_messages(namespace, job_name)
    revision = applied_revision(messages[0] if messages else None, target_revision(spec))
    status["appliedRevision"] = revision
    status["image"] = spec["image"]
    message = f"database {database} is at revision {revision}"
    report(conditions.ready(previous, "Migrated", message, generation))
    recorder.info("Migrated", message)
