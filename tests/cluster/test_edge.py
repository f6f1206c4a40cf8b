"""The in-cluster edge as locally: `GET /health` (the edge itself), `GET /health/dependencies`
(every installed service's readiness, 503 naming the one that is down, no internal address),
and a rate limit per client address, not one budget for everyone."""

from __future__ import annotations

import ast
import subprocess
import time

import httpx
import pytest

from .conftest import RELEASE

pytestmark = [pytest.mark.cluster, pytest.mark.k8s(keep=True), pytest.mark.timeout(600)]

SERVICES = {"identity", "characteristic", "specification", "pricing", "offering", "store"}


def dependencies(edge_url: str) -> httpx.Response:
    return httpx.get(f"{edge_url}/health/dependencies", timeout=10, trust_env=False)


# Run inside a pod: `n` GETs of `url` from 16 threads; prints "limited" at the first 429,
# then the count of each status.
LOAD_SCRIPT = """
import collections, concurrent.futures, sys, threading, urllib.error, urllib.request
url, n = sys.argv[1], int(sys.argv[2])
limited = threading.Event()
def get(_):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        if error.code == 429 and not limited.is_set():
            limited.set()
            print("limited", flush=True)
        return error.code
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    print(dict(collections.Counter(pool.map(get, range(n)))), flush=True)
"""


def load_from(namespace: str, deployment: str, url: str, n: int) -> subprocess.Popen[str]:
    """`n` requests from a pod of `deployment` (its own address: a client of its own)."""
    exec_in_pod = ["kubectl", "exec", "-n", namespace, f"deploy/{deployment}", "-c", "api", "--"]
    return subprocess.Popen(
        [*exec_in_pod, "python", "-c", LOAD_SCRIPT, url, str(n)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def statuses(process: subprocess.Popen[str], seen: str = "") -> dict[int, int]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    counts: dict[int, int] = ast.literal_eval((seen + out).strip().splitlines()[-1])
    return counts


def scale(namespace: str, deployment: str, replicas: int) -> None:
    subprocess.run(
        ["kubectl", "scale", f"deployment/{deployment}", f"--replicas={replicas}", "-n", namespace],
        capture_output=True,
        check=True,
    )


def wait_until(condition, within: float, what: str) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        response = condition()
        if response is not None:
            return response
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {within:.0f}s")
        time.sleep(1)


def test_the_edge_answers_its_own_health(edge_url):
    response = httpx.get(f"{edge_url}/health", timeout=10, trust_env=False)

    assert (response.status_code, response.json()) == (200, {"status": "UP"})


def test_dependency_health_turns_503_naming_a_stopped_service(edge_url, namespace):
    healthy = dependencies(edge_url)
    assert healthy.status_code == 200, healthy.text
    assert {d["name"]: d["status"] for d in healthy.json()["dependencies"]} == dict.fromkeys(
        SERVICES, "UP"
    )
    # Names only: no Service, namespace or pod address reaches an anonymous caller.
    for internal in (".svc", f"{RELEASE}-", "10.244.", "http://"):
        assert internal not in healthy.text, internal

    scale(namespace, f"{RELEASE}-pricing", 0)
    try:

        def pricing_down() -> httpx.Response | None:
            response = dependencies(edge_url)
            states = {d["name"]: d["status"] for d in response.json()["dependencies"]}
            if response.status_code == 503 and states["pricing"] == "DOWN":
                return response
            return None

        down = wait_until(pricing_down, 60, "no 503 naming pricing")
        states = {d["name"]: d["status"] for d in down.json()["dependencies"]}
        assert {name for name, state in states.items() if state == "DOWN"} == {"pricing"}
    finally:
        scale(namespace, f"{RELEASE}-pricing", 1)

    def healthy_again() -> httpx.Response | None:
        response = dependencies(edge_url)
        return response if response.status_code == 200 else None

    wait_until(healthy_again, 180, "pricing not back in the dependency health")


def test_one_client_over_the_rate_limit_does_not_slow_another(namespace):
    # Pod to Service keeps the pod's address: each pod is one client of the edge.
    url = f"http://{RELEASE}-edge.{namespace}.svc/api/v1/auth/jwks"
    greedy = load_from(namespace, f"{RELEASE}-characteristic", url, 1500)
    assert greedy.stdout is not None
    first = greedy.stdout.readline()  # the greedy client is being limited from here on
    assert first.strip() == "limited", first
    polite = load_from(namespace, f"{RELEASE}-pricing", url, 40)

    polite_statuses = statuses(polite)
    greedy_statuses = statuses(greedy)

    assert greedy_statuses.get(429, 0) > 0, greedy_statuses
    assert polite_statuses == {200: 40}, polite_statuses
