"""A worker's metrics and liveness server: real HTTP on a free local port."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from prometheus_client import Counter

from catalog_chassis.worker_endpoints import Heartbeat, serve_worker_endpoints

PROBED = Counter("worker_endpoints_test_total", "A metric only this test increments.")


@pytest.fixture
def heartbeat() -> Heartbeat:
    return Heartbeat(stale_after=5.0)


@pytest.fixture
def endpoints(heartbeat):
    served = serve_worker_endpoints("127.0.0.1", 0, heartbeat)
    yield served
    served.close()


def test_metrics_are_served_in_the_prometheus_format(endpoints):
    PROBED.inc()

    response = httpx.get(f"http://127.0.0.1:{endpoints.port}/metrics")

    assert response.status_code == 200
    assert "worker_endpoints_test_total 1.0" in response.text


def test_liveness_follows_the_loops_heartbeat(endpoints, heartbeat):
    live = httpx.get(f"http://127.0.0.1:{endpoints.port}/health/live")
    heartbeat.last -= 60  # the loop has not beaten for a minute
    stuck = httpx.get(f"http://127.0.0.1:{endpoints.port}/health/live")

    assert live.status_code == 200 and live.json()["status"] == "UP"
    assert stuck.status_code == 503 and stuck.json()["loopHeartbeatAgeSeconds"] >= 60


def test_other_paths_are_not_found(endpoints):
    assert httpx.get(f"http://127.0.0.1:{endpoints.port}/").status_code == 404


async def test_the_heartbeat_beats_while_the_loop_runs_and_stops_with_it():
    heartbeat = Heartbeat(stale_after=5.0)
    heartbeat.last -= 100
    stop = asyncio.Event()
    beating = asyncio.create_task(heartbeat.run(stop, interval=0.01))
    await asyncio.sleep(0.05)
    assert heartbeat.alive()
    stop.set()
    await asyncio.wait_for(beating, 1)
