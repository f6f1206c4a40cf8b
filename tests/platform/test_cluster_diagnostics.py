"""What a failed `make deploy` prints: the pods holding the install back and their logs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dev.localcluster import diagnostics


def pod(name: str, phase: str, ready: bool, *statuses: dict[str, Any], init=()) -> dict[str, Any]:
    return {
        "metadata": {"name": name},
        "status": {
            "phase": phase,
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "initContainerStatuses": list(init),
            "containerStatuses": list(statuses),
        },
    }


def container(name: str, state: dict[str, Any], ready: bool = False, restarts: int = 0):
    return {"name": name, "state": state, "ready": ready, "restartCount": restarts}


PODS = [
    pod("api-ready", "Running", True, container("api", {"running": {}}, ready=True)),
    pod(
        "api-waiting",
        "Pending",
        False,
        container("api", {"waiting": {"reason": "PodInitializing"}}),
        init=[container("wait-for-migration", {"running": {}})],
    ),
    pod(
        "migrate-failed",
        "Failed",
        False,
        container("migrate", {"terminated": {"exitCode": 1}}),
    ),
    pod("migrate-done", "Succeeded", False, container("migrate", {"terminated": {"exitCode": 0}})),
    pod(
        "worker-crashing",
        "Running",
        False,
        container("relay", {"waiting": {"reason": "CrashLoopBackOff"}}, restarts=4),
    ),
]


def test_only_the_containers_holding_pods_back_are_reported() -> None:
    assert diagnostics.unhealthy_containers(PODS) == [
        ("api-waiting", "wait-for-migration", False),
        ("migrate-failed", "migrate", False),
        ("worker-crashing", "relay", True),
    ]


def test_the_summary_has_the_state_the_warnings_and_each_failing_containers_last_lines(
    tmp_path: Path, monkeypatch
) -> None:
    asked: list[tuple[str, ...]] = []

    def kubectl(*args: str) -> str:
        asked.append(args)
        if args[:2] == ("get", "pods") and "json" in args:
            return json.dumps({"items": PODS})
        if args[0] == "get" and args[1].startswith("pods,jobs"):
            return "NAME READY STATUS\napi-waiting 0/1 Init:0/1\n"
        if args[:2] == ("get", "events"):
            return "\n".join(f"warning {n}" for n in range(40)) + "\n"
        if args[0] == "describe":
            return "Name: node\nAllocated resources:\n  cpu 1950m (97%)\nEvents: none\n"
        if args[0] == "logs":
            which = f"{args[1]}/{args[3]}{' previous' if '--previous' in args else ''}"
            return "\n".join(f"{which} line {n}" for n in range(30)) + "\n"
        raise AssertionError(args)

    summary, full = diagnostics.collect("catalog", kubectl=kubectl)

    assert "api-waiting 0/1 Init:0/1" in summary
    assert "warning 39" in summary and "warning 10" not in summary  # the newest 25
    assert "--- last lines of migrate-failed/migrate" in summary
    assert "migrate-failed/migrate line 29" in summary
    assert "migrate-failed/migrate line 10" not in summary  # the summary's last lines only
    assert "migrate-failed/migrate line 0" in full
    # A container that restarted: the run that failed, and the current one.
    assert "--- logs of worker-crashing/relay (previous run)" in full
    assert "worker-crashing/relay previous line 29" in summary
    assert "cpu 1950m (97%)" in full
    assert not any(args[0] == "logs" and args[1] in ("api-ready", "migrate-done") for args in asked)
