"""A crashed outbox relay loses nothing: writes keep succeeding while it is gone, and once the
platform restarts it every event is delivered. Uses the running local platform."""

from __future__ import annotations

import json
import os
import signal
import uuid
from pathlib import Path

import pytest

from catalog_testing import collect_messages, durable_probe_queue

# Needs the local platform's own processes and addresses: not run against the cluster.
pytestmark = [pytest.mark.system, pytest.mark.local_only]

REPO = Path(__file__).resolve().parents[2]
RELAY_PID = REPO / ".local" / "pids" / "characteristic-relay.pid"


def relay_pid() -> int:
    return int(RELAY_PID.read_text().split()[0])


async def test_events_written_while_the_relay_is_dead_are_delivered_after_its_restart(
    edge, admin, rabbitmq_url, platform_up
):
    async with durable_probe_queue(rabbitmq_url, ["characteristic.created"]) as queue:
        crashed = relay_pid()
        os.kill(crashed, signal.SIGKILL)
        try:
            ids = []
            for index in range(3):
                response = await edge.post(
                    "/api/v1/characteristics",
                    json={
                        "name": f"Crash {index} {uuid.uuid4().hex[:6]}",
                        "value": "1",
                        "unitOfMeasure": "count",
                    },
                    headers=admin,
                )
                assert response.status_code == 201
                ids.append(response.json()["id"])
        finally:
            await platform_up("characteristic")
        assert relay_pid() != crashed
        messages = await collect_messages(rabbitmq_url, queue, count=3, within=30)
        assert sorted(json.loads(m.body)["subject"] for m in messages) == sorted(ids)
