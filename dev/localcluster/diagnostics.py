"""What a failed `make deploy` leaves for whoever reads the log: which pods are not ready and
why (their state, the cluster's warnings, the last lines each failing container wrote), the
migrations and their Jobs. Helm's own message is only "context deadline exceeded".

A summary goes to the console; everything, with longer logs, to
.local/test-reports/cluster-diagnostics.txt.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from dev.localplatform.errors import PlatformError
from dev.localplatform.paths import REPO_ROOT

from . import kube

REPORT = REPO_ROOT / ".local" / "test-reports" / "cluster-diagnostics.txt"
SUMMARY_LOG_LINES = 12
REPORT_LOG_LINES = 200
SUMMARY_EVENTS = 25


def _kubectl(*args: str) -> str:
    try:
        result = kube.kubectl(*args, timeout=60, check=False)
    except PlatformError as error:  # the API server itself may be what is failing
        return f"(kubectl {' '.join(args)}: {error})\n"
    return (
        result.stdout
        if result.returncode == 0
        else f"(kubectl {' '.join(args)}: {result.stderr.strip()})\n"
    )


def _ready(status: dict[str, Any]) -> bool:
    return any(
        condition["type"] == "Ready" and condition["status"] == "True"
        for condition in status.get("conditions", [])
    )


def unhealthy_containers(pods: Iterable[dict[str, Any]]) -> list[tuple[str, str, bool]]:
    """(pod, container, whether it restarted) of every container holding a pod back: a pod
    that completed (a Job's) or is Ready holds nothing back."""
    found = []
    for pod in pods:
        status = pod.get("status", {})
        if status.get("phase") == "Succeeded" or _ready(status):
            continue
        name = pod["metadata"]["name"]
        statuses = [*status.get("initContainerStatuses", []), *status.get("containerStatuses", [])]
        for container in statuses:
            terminated = container.get("state", {}).get("terminated") or {}
            waiting = container.get("state", {}).get("waiting") or {}
            if (
                container.get("ready")
                or terminated.get("exitCode") == 0
                or waiting.get("reason") == "PodInitializing"  # behind an init container
            ):
                continue
            found.append((name, container["name"], container.get("restartCount", 0) > 0))
    return found


def collect(
    namespace: str = kube.NAMESPACE, kubectl: Callable[..., str] = _kubectl
) -> tuple[str, str]:
    """(summary, full report) of the namespace's state."""
    overview = kubectl(
        "get", "pods,jobs,databasemigrations,processdefinitions", "-n", namespace, "-o", "wide"
    )
    events = kubectl(
        "get",
        "events",
        "-n",
        namespace,
        "--field-selector=type=Warning",
        "--sort-by=.lastTimestamp",
    )
    node = kubectl("describe", "nodes")
    allocated = node[node.find("Allocated resources:") :].split("Events:")[0] if node else ""
    try:
        pods = json.loads(kubectl("get", "pods", "-n", namespace, "-o", "json")).get("items", [])
    except json.JSONDecodeError:
        pods = []
    summary = [overview.rstrip(), "", "warning events (newest last):"]
    summary += events.rstrip().splitlines()[-SUMMARY_EVENTS:]
    report = [overview.rstrip(), "", "warning events:", events.rstrip(), "", allocated.rstrip()]
    for pod, container, restarted in unhealthy_containers(pods):
        for previous in (True, False) if restarted else (False,):
            which = f"{pod}/{container}{' (previous run)' if previous else ''}"
            args = ["logs", pod, "-c", container, "-n", namespace, f"--tail={REPORT_LOG_LINES}"]
            logs = kubectl(*args, *(["--previous"] if previous else [])).rstrip()
            report += ["", f"--- logs of {which}", logs]
            summary += ["", f"--- last lines of {which}"]
            summary += logs.splitlines()[-SUMMARY_LOG_LINES:]
    return "\n".join(summary) + "\n", "\n".join(report) + "\n"


def report_failure(report_path: Path = REPORT) -> None:
    """Print the summary and write the full report; never raises (it runs on a failure)."""
    try:
        summary, full = collect()
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(full)
    except Exception as error:  # diagnostics must never hide the failure itself
        print(f"(no diagnostics: {error})", flush=True)
        return
    print(f"\n=== the cluster after the failed install (full report: {report_path})", flush=True)
    print(summary, flush=True)
