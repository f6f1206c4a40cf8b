"""Login throttling through the edge: a client guessing admin's password is slowed down
however it forges X-Forwarded-For, and admin still logs in from another address. Clients
are told apart by their source address (any 127.x.y.z reaches the edge); each run draws
fresh ones, as the counts of an earlier run stay for the throttle's 15-minute window."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

# Needs the local platform's own processes and addresses: not run against the cluster.
pytestmark = [pytest.mark.system, pytest.mark.local_only]

LOGIN = "/api/v1/auth/login"


def client_from(edge_url: str, address: str) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=address)
    return httpx.AsyncClient(base_url=edge_url, transport=transport, timeout=10)


def fresh_loopback_address() -> str:
    """A loopback address no earlier run used (127.0.0.1 is everyone else's)."""
    return f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(2, 254)}"


@pytest.fixture
async def guesser(edge_url) -> AsyncIterator[httpx.AsyncClient]:
    async with client_from(edge_url, fresh_loopback_address()) as client:
        yield client


@pytest.fixture
async def admin_elsewhere(edge_url) -> AsyncIterator[httpx.AsyncClient]:
    async with client_from(edge_url, fresh_loopback_address()) as client:
        yield client


async def test_guessing_admins_password_does_not_lock_admin_out_elsewhere(guesser, admin_elsewhere):
    statuses = []
    for attempt in range(5):
        # A new forged address each time: it must not count as a new client.
        forged = {"X-Forwarded-For": f"203.0.113.{attempt + 1}"}
        response = await guesser.post(
            LOGIN, json={"username": "admin", "password": f"guess-{uuid.uuid4()}"}, headers=forged
        )
        statuses.append(response.status_code)

    assert statuses[:3] == [401, 401, 401]
    assert statuses[3] == 429  # the forged addresses did not help: one client, slowed down
    correct = await admin_elsewhere.post(LOGIN, json={"username": "admin", "password": "admin"})
    assert correct.status_code == 200, correct.text
