import asyncio
import time
from collections.abc import AsyncIterator, Mapping

import httpx
import pytest
from fastapi import FastAPI

from catalog_chassis.health import ReadinessCheck, health_router


async def passes() -> None:
    return None


async def fails() -> None:
    raise ConnectionRefusedError("connection refused")


async def hangs() -> None:
    await asyncio.sleep(60)


def client_for(checks: Mapping[str, ReadinessCheck], timeout: float = 0.2) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(health_router(checks, timeout_seconds=timeout))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def failing_client() -> AsyncIterator[httpx.AsyncClient]:
    async with client_for({"postgres": passes, "rabbitmq": fails}) as client:
        yield client


async def test_liveness_is_up_even_when_dependencies_are_down(
    failing_client: httpx.AsyncClient,
) -> None:
    response = await failing_client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "UP"}


async def test_ready_when_every_check_passes() -> None:
    async with client_for({"postgres": passes, "rabbitmq": passes}) as client:
        response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {
        "status": "UP",
        "checks": {"postgres": {"status": "UP"}, "rabbitmq": {"status": "UP"}},
    }


async def test_not_ready_names_the_failing_check(failing_client: httpx.AsyncClient) -> None:
    response = await failing_client.get("/health/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "DOWN"
    assert body["checks"]["postgres"] == {"status": "UP"}
    assert body["checks"]["rabbitmq"]["status"] == "DOWN"
    assert "connection refused" in body["checks"]["rabbitmq"]["error"]


async def test_checks_run_concurrently_each_with_a_timeout() -> None:
    async with client_for({"a": hangs, "b": hangs, "c": passes}, timeout=0.3) as client:
        started = time.perf_counter()
        response = await client.get("/health/ready")
        elapsed = time.perf_counter() - started

    assert response.status_code == 503
    assert response.json()["checks"]["a"] == {"status": "DOWN", "error": "timed out after 0.3 s"}
    assert response.json()["checks"]["c"] == {"status": "UP"}
    assert elapsed < 0.6  # both hanging checks timed out side by side, not one after another


async def test_ready_without_checks() -> None:
    async with client_for({}) as client:
        response = await client.get("/health/ready")

    assert response.json() == {"status": "UP", "checks": {}}


class FakeBroker:
    def __init__(self, answers: bool) -> None:
        self.answers = answers

    async def ping(self, timeout: float | None) -> bool:  # noqa: ASYNC109 - FastStream's signature
        return self.answers
