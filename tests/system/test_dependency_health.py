"""`GET /health/dependencies` through the edge: every service's readiness in one answer,
503 naming the service that is down, and no internal address in it."""

from __future__ import annotations

import os
import signal

import pytest

from catalog_testing import eventually

# Needs the local platform's own processes and addresses: not run against the cluster.
pytestmark = [pytest.mark.system, pytest.mark.local_only]

SERVICES = {"identity", "characteristic", "specification", "pricing", "offering", "store"}


async def test_dependency_health_turns_503_when_a_service_stops(edge, platform_up, process_pid):
    healthy = await edge.get("/health/dependencies")
    assert healthy.status_code == 200, healthy.text
    assert {d["name"] for d in healthy.json()["dependencies"]} == SERVICES
    assert "127.0.0.1" not in healthy.text

    os.kill(process_pid("pricing-api"), signal.SIGTERM)
    try:

        async def pricing_down() -> bool:
            response = await edge.get("/health/dependencies")
            states = {d["name"]: d["status"] for d in response.json()["dependencies"]}
            return response.status_code == 503 and states["pricing"] == "DOWN"

        await eventually(pricing_down, within=20)
    finally:
        await platform_up("pricing")

    assert (await edge.get("/health/dependencies")).status_code == 200
