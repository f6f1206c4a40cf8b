"""Idempotency-Key replays the first response, refuses reuse and concurrent duplicates."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import Body, FastAPI, HTTPException, Response
from fastapi.responses import StreamingResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from catalog_chassis.db import purge_expired_idempotency_keys
from catalog_chassis.idempotency import IdempotencyMiddleware, IdempotencyStore

pytestmark = pytest.mark.integration


class Things:
    """A tiny API whose side effects the tests can count."""

    def __init__(self) -> None:
        self.created = 0
        self.ids = itertools.count(1)
        self.flaky_failures_left = 1
        self.slow_started = asyncio.Event()
        self.slow_release = asyncio.Event()

    def app(self, store: IdempotencyStore) -> FastAPI:
        app = FastAPI()
        app.add_middleware(IdempotencyMiddleware, store=store)

        @app.post("/things", status_code=201)
        async def create(response: Response, body: dict[str, Any] = Body()) -> dict[str, Any]:
            self.created += 1
            thing_id = next(self.ids)
            response.headers["Location"] = f"/things/{thing_id}"
            response.headers["ETag"] = '"1"'
            return {"id": thing_id, **body}

        @app.post("/slow", status_code=201)
        async def slow() -> dict[str, str]:
            self.slow_started.set()
            await self.slow_release.wait()
            self.created += 1
            return {"done": "yes"}

        @app.post("/flaky", status_code=201)
        async def flaky() -> dict[str, int]:
            if self.flaky_failures_left:
                self.flaky_failures_left -= 1
                raise HTTPException(503, "try again")
            self.created += 1
            return {"created": self.created}

        @app.post("/report")
        async def report() -> StreamingResponse:
            self.created += 1

            async def chunks() -> AsyncIterator[bytes]:
                for part in (b"line 1\n", b"line 2\n", f"run {self.created}\n".encode()):
                    yield part

            return StreamingResponse(chunks(), media_type="text/plain")

        return app


@pytest.fixture
def things() -> Things:
    return Things()


@pytest.fixture
async def client(engine: AsyncEngine, things: Things) -> AsyncIterator[httpx.AsyncClient]:
    app = things.app(IdempotencyStore(engine))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def keyed(key: str, **headers: str) -> dict[str, str]:
    return {"Idempotency-Key": key, **headers}


async def test_without_the_header_every_post_acts(
    client: httpx.AsyncClient, things: Things
) -> None:
    first = await client.post("/things", json={"name": "a"})
    second = await client.post("/things", json={"name": "a"})

    assert (first.status_code, second.status_code) == (201, 201)
    assert things.created == 2
    assert "Idempotent-Replayed" not in second.headers


async def test_a_repeat_with_the_same_key_and_body_replays_the_first_response(
    client: httpx.AsyncClient, things: Things
) -> None:
    first = await client.post("/things", json={"name": "a"}, headers=keyed("k-1"))
    again = await client.post("/things", json={"name": "a"}, headers=keyed("k-1"))

    assert things.created == 1
    assert again.status_code == first.status_code == 201
    assert again.content == first.content
    assert again.headers["Location"] == first.headers["Location"] == "/things/1"
    assert again.headers["ETag"] == '"1"'
    assert again.headers["Content-Type"] == "application/json"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers


async def test_the_same_key_with_another_body_is_refused(
    client: httpx.AsyncClient, things: Things
) -> None:
    await client.post("/things", json={"name": "a"}, headers=keyed("k-2"))
    reused = await client.post("/things", json={"name": "b"}, headers=keyed("k-2"))

    assert reused.status_code == 422
    assert reused.headers["Content-Type"] == "application/problem+json"
    assert reused.json()["type"].endswith("/idempotency-key-reused")
    assert things.created == 1


async def test_a_key_is_scoped_to_its_path_and_its_caller(
    client: httpx.AsyncClient, things: Things
) -> None:
    alice = {"Authorization": "Bearer token-of-alice"}
    bob = {"Authorization": "Bearer token-of-bob"}
    await client.post("/things", json={"name": "a"}, headers=keyed("shared", **alice))
    for_bob = await client.post("/things", json={"name": "a"}, headers=keyed("shared", **bob))
    elsewhere = await client.post("/report", json={"name": "a"}, headers=keyed("shared", **alice))

    assert "Idempotent-Replayed" not in for_bob.headers
    assert "Idempotent-Replayed" not in elsewhere.headers
    assert things.created == 3


async def test_a_duplicate_of_a_request_still_in_progress_is_a_conflict(
    client: httpx.AsyncClient, things: Things
) -> None:
    first = asyncio.create_task(client.post("/slow", headers=keyed("k-3")))
    await asyncio.wait_for(things.slow_started.wait(), 5)

    duplicate = await client.post("/slow", headers=keyed("k-3"))
    things.slow_release.set()
    original = await first

    assert duplicate.status_code == 409
    assert duplicate.json()["type"].endswith("/idempotency-key-in-use")
    assert original.status_code == 201
    assert things.created == 1


async def test_a_server_error_is_not_stored_so_the_retry_runs(
    client: httpx.AsyncClient, things: Things
) -> None:
    failed = await client.post("/flaky", headers=keyed("k-4"))
    retried = await client.post("/flaky", headers=keyed("k-4"))
    replayed = await client.post("/flaky", headers=keyed("k-4"))

    assert failed.status_code == 503
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert things.created == 1


async def test_a_streamed_response_is_replayed_byte_for_byte(
    client: httpx.AsyncClient, things: Things
) -> None:
    first = await client.post("/report", headers=keyed("k-5"))
    again = await client.post("/report", headers=keyed("k-5"))

    assert first.text == "line 1\nline 2\nrun 1\n"
    assert again.content == first.content
    assert again.headers["Content-Type"].startswith("text/plain")
    assert things.created == 1


async def test_a_key_longer_than_255_characters_is_a_bad_request(
    client: httpx.AsyncClient, things: Things
) -> None:
    response = await client.post("/things", json={}, headers=keyed("k" * 256))

    assert response.status_code == 400
    assert response.json()["type"].endswith("/idempotency-key-invalid")
    assert things.created == 0


async def test_an_expired_key_no_longer_replays(engine: AsyncEngine, things: Things) -> None:
    store = IdempotencyStore(engine)
    transport = httpx.ASGITransport(app=things.app(store))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        await client.post("/things", json={"name": "a"}, headers=keyed("k-6"))
        async with engine.begin() as connection:  # 24 hours later
            await connection.execute(
                text("UPDATE idempotency_keys SET expires_at = now() - interval '1 second'")
            )
        again = await client.post("/things", json={"name": "a"}, headers=keyed("k-6"))

    assert "Idempotent-Replayed" not in again.headers
    assert things.created == 2
    async with engine.begin() as connection:  # the expired row was taken over, not duplicated
        purged = await connection.execute(purge_expired_idempotency_keys())
    assert purged.rowcount == 0
