"""The service token: logs in once, reuses the token, renews it before it expires."""

from __future__ import annotations

import json

import httpx
import pytest

from catalog_chassis.errors import ServiceUnavailable
from catalog_chassis.http_client import ServiceClient
from catalog_chassis.service_auth import ServiceToken


def identity(answers: list[httpx.Response]) -> tuple[ServiceClient, list[dict]]:
    logins: list[dict] = []

    def handle(request: httpx.Request) -> httpx.Response:
        logins.append(json.loads(request.content))
        return answers[min(len(logins), len(answers)) - 1]

    client = ServiceClient(
        "identity-test", "http://identity", transport=httpx.MockTransport(handle)
    )
    return client, logins


def issued(token: str, expires_in: int = 3600) -> httpx.Response:
    return httpx.Response(200, json={"access_token": token, "expires_in": expires_in})


async def test_logs_in_once_and_reuses_the_token() -> None:
    client, logins = identity([issued("t1")])
    token = ServiceToken(client, "store", "s3cret")

    assert [await token(), await token()] == ["t1", "t1"]
    assert logins == [{"username": "store", "password": "s3cret"}]


async def test_renews_a_token_about_to_expire() -> None:
    client, logins = identity([issued("short", expires_in=30), issued("fresh")])
    token = ServiceToken(client, "store", "s3cret")

    assert await token() == "short"
    assert await token() == "fresh"  # 30 s left is inside the renewal margin
    assert len(logins) == 2


async def test_forget_makes_the_next_call_log_in_again() -> None:
    client, logins = identity([issued("t1"), issued("t2")])
    token = ServiceToken(client, "store", "s3cret")
    await token()

    token.forget()

    assert await token() == "t2"
    assert len(logins) == 2


async def test_a_refused_login_is_service_unavailable_naming_the_account() -> None:
    client, _ = identity([httpx.Response(401, json={"title": "Unauthorized"})])

    with pytest.raises(ServiceUnavailable, match="'store'"):
        await ServiceToken(client, "store", "wrong")()
