"""System tests: the running local platform (`make up`), reached only through the edge."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from catalog_chassis.testing import rabbitmq_url  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parents[2]
LOGS = REPO / ".local" / "logs"


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
