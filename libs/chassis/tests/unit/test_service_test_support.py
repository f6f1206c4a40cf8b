"""The HTTP side of catalog_testing: in-process clients and problem assertions."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter

from catalog_chassis.app import create_app
from catalog_chassis.errors import FieldError, NotFound, ValidationFailed
from catalog_chassis.settings import ServiceSettings
from catalog_testing import TestTokens, asgi_client, assert_problem, fields_of

router = APIRouter()


@router.get("/missing")
async def missing() -> None:
    raise NotFound("No such gadget.")


@router.get("/invalid")
async def invalid() -> None:
    raise ValidationFailed("Invalid gadget.", [FieldError("name", "is required")])


@router.get("/fine")
async def fine() -> dict[str, str]:
    return {"status": "fine"}


APP = create_app(
    ServiceSettings(service_name="gadgets"),
    title="Gadgets",
    routers=[router],
    token_verifier=TestTokens().verifier,
)


async def test_a_problem_response_passes_and_its_body_is_returned() -> None:
    async with asgi_client(APP, "http://gadgets") as client:
        problem = assert_problem(await client.get("/missing"), 404)

    assert problem["detail"] == "No such gadget."


async def test_fields_of_names_the_invalid_fields() -> None:
    async with asgi_client(APP, "http://gadgets") as client:
        problem = assert_problem(await client.get("/invalid"), 400)

    assert fields_of(problem) == {"name"}


async def test_another_status_or_a_plain_json_body_fails() -> None:
    async with asgi_client(APP, "http://gadgets") as client:
        with pytest.raises(AssertionError):
            assert_problem(await client.get("/missing"), 409)
        with pytest.raises(AssertionError):
            assert_problem(await client.get("/fine"), 200)


async def test_the_client_calls_the_app_in_process_at_the_given_base_url() -> None:
    async with asgi_client(APP, "http://gadgets") as client:
        response = await client.get("/fine")

    assert isinstance(client, httpx.AsyncClient)
    assert response.json() == {"status": "fine"} and str(response.url) == "http://gadgets/fine"
