"""Pure builders: what the operator sends to Kubernetes and to the engine, from a spec.

No I/O here: each function maps plain data to plain data, unit-tested without a cluster.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog_operator.config import OperatorConfig
from catalog_operator.resources import (
    DATABASE_LABEL,
    GROUP,
    MANAGED_BY,
    MANAGED_BY_LABEL,
    MIGRATION_LABEL,
    VERSION,
)

MAX_NAME = 63
DEFAULT_MIGRATION_RESOURCES: dict[str, dict[str, str]] = {
    "requests": {"cpu": "50m", "memory": "128Mi"},
    "limits": {"cpu": "500m", "memory": "256Mi"},
}
# `alembic current` after the upgrade, written where Kubernetes keeps a container's last words:
# the operator reads the applied revision from the finished pod's termination message.
MIGRATION_SCRIPT = 'alembic upgrade "$0" && alembic current > /dev/termination-log'


class SpecError(ValueError):
    """The resource's spec cannot be acted on (the schema could not rule it out)."""


# ---------------------------------------------------------------------------------------------
# DatabaseMigration -> Job


def database_of(spec: Mapping[str, Any]) -> str:
    """The database a migration changes: its own `database`, else the service's name."""
    return str(spec.get("database") or spec["service"])


def target_revision(spec: Mapping[str, Any]) -> str:
    return str(spec.get("targetRevision") or "head")


def spec_digest(spec: Mapping[str, Any]) -> str:
    """A short digest of the spec: a changed spec gets a new Job, the same spec the same one."""
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:8]


def job_name(migration_name: str, spec: Mapping[str, Any]) -> str:
    """Deterministic, so creating the Job is idempotent (a second create meets a 409)."""
    suffix = f"-migrate-{spec_digest(spec)}"
    return migration_name[: MAX_NAME - len(suffix)].rstrip("-") + suffix


def migration_command(spec: Mapping[str, Any]) -> list[str]:
    return ["sh", "-c", MIGRATION_SCRIPT, target_revision(spec)]


def owner_reference(body: Mapping[str, Any]) -> dict[str, Any]:
    """The DatabaseMigration as the Job's controller: deleting it deletes the Job."""
    metadata = body["metadata"]
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": body.get("kind", "DatabaseMigration"),
        "name": metadata["name"],
        "uid": metadata["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def migration_labels(migration_name: str, spec: Mapping[str, Any]) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": str(spec["service"]),
        "app.kubernetes.io/component": "migration",
        MANAGED_BY_LABEL: MANAGED_BY,
        DATABASE_LABEL: database_of(spec),
        MIGRATION_LABEL: migration_name,
    }


def build_migration_job(body: Mapping[str, Any], config: OperatorConfig) -> dict[str, Any]:
    """The Job that runs the service image's migrations up to the target revision."""
    metadata = body["metadata"]
    spec = body["spec"]
    labels = migration_labels(metadata["name"], spec)
    run_as = {"runAsNonRoot": True, "runAsUser": config.migration_run_as_user}
    container: dict[str, Any] = {
        "name": "migrate",
        "image": spec["image"],
        "imagePullPolicy": spec.get("imagePullPolicy", "IfNotPresent"),
        "command": migration_command(spec),
        "env": [dict(variable) for variable in spec.get("env", [])],
        "resources": spec.get("resources") or DEFAULT_MIGRATION_RESOURCES,
        "terminationMessagePolicy": "File",
        "securityContext": {
            **run_as,
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],  # noqa: S108 - an emptyDir
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": job_name(metadata["name"], spec),
            "namespace": metadata["namespace"],
            "labels": labels,
            "ownerReferences": [owner_reference(body)],
        },
        "spec": {
            "backoffLimit": spec.get("backoffLimit", config.migration_backoff_limit),
            "activeDeadlineSeconds": spec.get(
                "activeDeadlineSeconds", config.migration_deadline_seconds
            ),
            "ttlSecondsAfterFinished": config.migration_ttl_seconds,
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "restartPolicy": "Never",
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        **run_as,
                        "runAsGroup": config.migration_run_as_user,
                        "fsGroup": config.migration_run_as_user,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [container],
                    "volumes": [{"name": "tmp", "emptyDir": {}}],
                },
            },
        },
    }


@dataclass(frozen=True)
class JobOutcome:
    finished: bool
    succeeded: bool
    message: str


def job_outcome(job: Mapping[str, Any]) -> JobOutcome:
    """Whether a Job finished, from its conditions (Complete / Failed)."""
    status = job.get("status") or {}
    for condition in status.get("conditions") or []:
        if condition.get("status") != "True":
            continue
        if condition.get("type") == "Complete":
            return JobOutcome(finished=True, succeeded=True, message="the migration Job completed")
        if condition.get("type") == "Failed":
            why = condition.get("message") or condition.get("reason") or "no reason given"
            return JobOutcome(finished=True, succeeded=False, message=f"the Job failed: {why}")
    return JobOutcome(finished=False, succeeded=False, message="the migration Job is running")


def is_active(job: Mapping[str, Any]) -> bool:
    return not job_outcome(job).finished


_REVISION = re.compile(r"^\s*([0-9A-Za-z_]+)\b", re.MULTILINE)


def applied_revision(termination_message: str | None, fallback: str) -> str:
    """The revision `alembic current` printed (`1a2b3c (head)`), else ``fallback``."""
    match = _REVISION.search(termination_message or "")
    return match.group(1) if match else fallback


# ---------------------------------------------------------------------------------------------
# ProcessDefinition -> engine deployment


def deployment_name(body: Mapping[str, Any]) -> str:
    """The engine's deployment name: duplicate filtering compares deployments of one name."""
    spec = body["spec"]
    metadata = body["metadata"]
    return str(spec.get("deploymentName") or f"{metadata['namespace']}.{metadata['name']}")


def bpmn_files(
    spec: Mapping[str, Any], config_map_data: Mapping[str, str] | None
) -> dict[str, bytes]:
    """The files to deploy, by file name: the inline BPMN, or the ConfigMap's BPMN keys."""
    source = spec["bpmn"]
    if "inline" in source:
        file_name = str(source.get("fileName") or "process.bpmn")
        return {file_name: str(source["inline"]).encode()}
    reference = source["configMapRef"]
    if config_map_data is None:
        raise SpecError(f"ConfigMap {reference['name']} has no data")
    key = reference.get("key")
    if key:
        if key not in config_map_data:
            raise SpecError(f"ConfigMap {reference['name']} has no key {key}")
        return {str(key): config_map_data[key].encode()}
    files = {
        name: text.encode()
        for name, text in sorted(config_map_data.items())
        if name.endswith((".bpmn", ".bpmn20.xml"))
    }
    if not files:
        raise SpecError(f"ConfigMap {reference['name']} holds no *.bpmn key")
    return files


def content_digest(files: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()
