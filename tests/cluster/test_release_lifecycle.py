"""Operating the release: a rolling upgrade of one service serves every request, and
`helm uninstall` leaves nothing of the release behind. Runs last in the tier (it removes the
platform; the next `make deploy` installs it again)."""

from __future__ import annotations

import itertools
import threading
import time
import uuid

import httpx
import pytest

from .conftest import RELEASE, items

# Cluster operations take minutes on two cores (the suite-wide limit is 120 s).
pytestmark = [pytest.mark.cluster, pytest.mark.k8s(keep=True), pytest.mark.timeout(600)]

UPGRADED = "characteristic"


def _api_pods(k8s, namespace: str) -> set[str]:
    selector = (
        f"app.kubernetes.io/instance={RELEASE},app.kubernetes.io/name={UPGRADED},"
        "app.kubernetes.io/component=api"
    )
    return {pod["metadata"]["name"] for pod in items(k8s, "pods", "-n", namespace, "-l", selector)}


def test_a_rolling_upgrade_of_one_service_keeps_serving(k8s, helm, namespace, charts_dir, edge_url):
    with httpx.Client(base_url=edge_url, timeout=10) as client:
        login = client.post("/api/v1/auth/login", json={"username": "admin", "password": "admin"})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        before = _api_pods(k8s, namespace)
        assert before
        statuses: list[int | str] = []
        stop = threading.Event()

        def keep_asking() -> None:
            # Reads and writes: a write is never replayed by the edge, so it must never meet
            # a connection the stopping pod closes.
            for n in itertools.count():
                if stop.is_set():
                    return
                try:
                    if n % 4:
                        response = client.get(f"/api/v1/{UPGRADED}s?limit=1", headers=headers)
                    else:
                        response = client.post(
                            f"/api/v1/{UPGRADED}s",
                            headers=headers,
                            json={
                                "name": f"Rollout {uuid.uuid4().hex[:12]}",
                                "value": str(n),
                                "unitOfMeasure": "Mbps",
                            },
                        )
                    statuses.append(response.status_code)
                except httpx.HTTPError as error:
                    statuses.append(type(error).__name__)
                time.sleep(0.02)

        asker = threading.Thread(target=keep_asking)
        asker.start()
        try:
            upgrade = helm(
                "upgrade",
                RELEASE,
                str(charts_dir / RELEASE),
                "--namespace",
                namespace,
                "--reuse-values",
                "--wait",
                "--timeout",
                "5m",
                "--set",
                f"{UPGRADED}.podAnnotations.catalog\\.example/rollout={uuid.uuid4().hex}",
            )
            time.sleep(1)  # requests after the rollout too
        finally:
            stop.set()
            asker.join()

    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    after = _api_pods(k8s, namespace)
    assert after and not after & before  # every API pod was replaced
    assert len(statuses) > 50
    assert {status for status in statuses if status not in (200, 201)} == set()
    assert statuses.count(201) > 10


def test_helm_uninstall_leaves_nothing_behind(k8s, helm, namespace):
    result = helm("uninstall", RELEASE, "--namespace", namespace, "--wait", "--timeout", "5m")
    assert result.returncode == 0, result.stdout + result.stderr

    kinds = ",".join(
        (
            "deployments",
            "replicasets",
            "pods",
            "services",
            "configmaps",
            "jobs",
            "serviceaccounts",
            "poddisruptionbudgets",
            "horizontalpodautoscalers",
        )
    )
    selector = f"app.kubernetes.io/instance={RELEASE}"
    deadline = time.monotonic() + 120
    while True:
        left = [
            f"{item['kind']}/{item['metadata']['name']}"
            for item in items(k8s, kinds, "-n", namespace, "-l", selector)
        ]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert left == []
    releases = helm("list", "--namespace", namespace, "--short")
    assert RELEASE not in releases.stdout.split()
