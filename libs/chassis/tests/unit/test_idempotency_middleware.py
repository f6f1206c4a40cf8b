"""The parts of the Idempotency-Key middleware that never reach the store."""

from __future__ import annotations

from typing import Any, NoReturn

import httpx
from fastapi import FastAPI
from starlette.types import Scope

from catalog_chassis.errors import ServiceUnavailable
from catalog_chassis.idempotency import IdempotencyMiddleware, IdempotencyStore, UnverifiedCaller


class UnreachableStore(IdempotencyStore):
    def __init__(self) -> None:
        pass

    async def reserve(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AssertionError("the store must not be consulted")


def app_counting_calls(**middleware_options: Any) -> tuple[FastAPI, list[str]]:
    calls: list[str] = []
    app = FastAPI()
    app.add_middleware(IdempotencyMiddleware, store=UnreachableStore(), **middleware_options)

    @app.post("/things", status_code=201)
    async def create() -> dict[str, str]:
        calls.append("POST")
        return {}

    @app.put("/things")
    async def replace() -> dict[str, str]:
        calls.append("PUT")
        return {}

    return app, calls


async def send(app: FastAPI, method: str, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, "/things", json={}, headers=headers)


async def test_requests_without_the_header_pass_straight_through() -> None:
    app, calls = app_counting_calls()

    response = await send(app, "POST", {})

    assert response.status_code == 201
    assert calls == ["POST"]


async def test_other_methods_ignore_the_header() -> None:
    app, calls = app_counting_calls()

    response = await send(app, "PUT", {"Idempotency-Key": "k"})

    assert response.status_code == 200
    assert calls == ["PUT"]


async def test_an_empty_or_overlong_key_is_a_bad_request_problem() -> None:
    app, calls = app_counting_calls()

    empty = await send(app, "POST", {"Idempotency-Key": ""})
    overlong = await send(app, "POST", {"Idempotency-Key": "x" * 256})

    assert empty.status_code == overlong.status_code == 400
    assert overlong.headers["Content-Type"] == "application/problem+json"
    assert overlong.json()["status"] == 400
    assert calls == []


async def test_a_caller_whose_token_does_not_verify_is_left_to_authentication() -> None:
    async def reject(scope: Scope) -> str | None:
        raise UnverifiedCaller

    app, calls = app_counting_calls(caller=reject)

    response = await send(app, "POST", {"Idempotency-Key": "k"})

    assert response.status_code == 201
    assert calls == ["POST"]


async def test_a_caller_that_cannot_be_verified_now_is_a_503_not_a_500() -> None:
    async def keys_unreachable(scope: Scope) -> str | None:
        raise ServiceUnavailable("The identity service's keys are unavailable.")

    app, calls = app_counting_calls(caller=keys_unreachable)

    response = await send(app, "POST", {"Idempotency-Key": "k", "Authorization": "Bearer t"})

    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"] == "5"
    assert "keys are unavailable" in response.json()["detail"]
    assert calls == []
