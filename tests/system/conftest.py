"""System tests: the running local platform (`make up`), reached only through the edge."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from catalog_chassis.messaging.topology import consumer_queue
from catalog_chassis.workflow.engine import EngineClient
from catalog_testing import admin_engine, platform_setting, rabbitmq_url  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parents[2]
LOGS = REPO / ".local" / "logs"
PIDS = REPO / ".local" / "pids"


@pytest.fixture(scope="session")
def edge_url() -> str:
    return os.environ.get("EDGE_URL", "http://127.0.0.1:8080")


@pytest.fixture(scope="session")
def zipkin_url() -> str:
    return os.environ.get("ZIPKIN_URL", "http://127.0.0.1:9411")


@pytest.fixture
async def edge(edge_url) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=edge_url, timeout=10) as client:
        yield client


async def login(edge: httpx.AsyncClient, username: str, password: str) -> str:
    response = await edge.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
async def admin(edge) -> dict[str, str]:
    return {"Authorization": f"Bearer {await login(edge, 'admin', 'admin')}"}


@pytest.fixture
async def user(edge) -> dict[str, str]:
    return {"Authorization": f"Bearer {await login(edge, 'user', 'user')}"}


@pytest.fixture(scope="session")
def service_log():
    def read(process: str) -> list[str]:
        return (LOGS / f"{process}.log").read_text(errors="replace").splitlines()

    return read


async def _queue_drained(consumer: str, within: float = 20.0) -> None:
    """Wait until a consumer's queue and its delay queues hold no ready or unacknowledged
    message (the consumer's queue names come from the chassis' topology)."""
    topology = consumer_queue(consumer, ["#"])
    names = [topology.queue.name, *(queue.name for queue in topology.retry_queues.values())]
    management = os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")
    credentials = (
        os.environ.get("RABBITMQ_MANAGEMENT_USER", "guest"),
        os.environ.get("RABBITMQ_MANAGEMENT_PASSWORD", "guest"),
    )
    async with httpx.AsyncClient(base_url=management, auth=credentials) as client:
        deadline = asyncio.get_running_loop().time() + within
        while True:
            queues = [(await client.get(f"/api/queues/%2F/{name}")).json() for name in names]
            if all(
                queue.get("messages", 1) == 0 and queue.get("messages_unacknowledged", 1) == 0
                for queue in queues
            ):
                return
            if asyncio.get_running_loop().time() > deadline:
                left = {q.get("name"): q.get("messages") for q in queues}
                raise AssertionError(f"{consumer} did not drain: {left}")
            await asyncio.sleep(0.2)


@pytest.fixture(scope="session")
def queue_drained() -> Callable[..., Awaitable[None]]:
    """``await queue_drained("characteristic.specifications")``: the consumer has handled
    every event published so far."""
    return _queue_drained


@pytest.fixture
async def engine() -> AsyncIterator[EngineClient]:
    """The process engine's REST API, as its admin."""
    async with admin_engine() as client:
        yield client


def _process_pid(name: str) -> int:
    return int((PIDS / f"{name}.pid").read_text().split()[0])


@pytest.fixture(scope="session")
def process_pid() -> Callable[[str], int]:
    """``process_pid("pricing-saga-worker")``: the pid `make up` recorded for a process."""
    return _process_pid


async def _platform_up(*services: str) -> None:
    """`dev/platform.py up --services ...`: starts whatever of them (and of the
    infrastructure) is not running, and waits until it is healthy."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "dev/platform.py",
        "up",
        "--services",
        ",".join(services),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode == 0, output.decode(errors="replace")[-3000:]


@pytest.fixture(scope="session")
def platform_up() -> Callable[..., Awaitable[None]]:
    """``await platform_up("pricing")``: restart what was stopped, wait until healthy."""
    return _platform_up
