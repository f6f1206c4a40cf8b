import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Query
from sqlalchemy.exc import OperationalError

from catalog_chassis import errors
from catalog_chassis.app import create_app
from catalog_chassis.errors import FieldError, ProblemError
from catalog_chassis.schemas import ApiModel
from catalog_chassis.settings import ServiceSettings

PROBLEM_JSON = "application/problem+json"


class LineItem(ApiModel):
    name: str


class ProductBody(ApiModel):
    unit_of_measure: str
    items: list[LineItem] = []


router = APIRouter(prefix="/products", tags=["products"])


@router.post("")
async def create_product(body: ProductBody) -> ProductBody:
    return body


@router.get("")
async def list_products(limit: Annotated[int, Query(ge=1)] = 20) -> list[str]:
    return []


@router.get("/raise/{name}")
async def raise_problem(name: str) -> None:
    error_class = getattr(errors, name)
    raise error_class(f"{name} happened")


@router.get("/invalid")
async def raise_validation_failed() -> None:
    raise errors.ValidationFailed(
        "The product is not valid", [FieldError("unitOfMeasure", "unknown unit")]
    )


@router.get("/crash")
async def crash() -> None:
    raise RuntimeError("database password is hunter2")


@router.get("/database-gone")
async def database_gone() -> None:
    raise OperationalError(
        "SELECT 1", {}, ConnectionRefusedError("connect to 10.1.2.3:5432 refused")
    )


@asynccontextmanager
async def client_for_new_app() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        ServiceSettings(service_name="problems-test"), title="Problems", routers=[router]
    )
    # raise_app_exceptions=False: like a real server, the client gets the 500 response.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with client_for_new_app() as client:
        yield client


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert {"type", "title", "status", "detail", "correlationId"} <= body.keys()
    assert body["correlationId"] == response.headers["X-Correlation-ID"]
    return body


@pytest.mark.parametrize(
    "error_class",
    [cls for cls in ProblemError.__subclasses__() if cls is not errors.ValidationFailed],
)
async def test_problem_errors_become_problem_responses(
    client: httpx.AsyncClient, error_class: type[ProblemError]
) -> None:
    response = await client.get(f"/products/raise/{error_class.__name__}")

    body = assert_problem(response, error_class.status)
    assert body["type"] == error_class.type
    assert body["title"] == error_class.title
    assert body["detail"] == f"{error_class.__name__} happened"
    assert "errors" not in body


async def test_unauthorized_asks_for_a_bearer_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/products/raise/Unauthorized")

    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_validation_failed_lists_the_field_errors(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/products/invalid"), 400)

    assert body["errors"] == [{"field": "unitOfMeasure", "message": "unknown unit"}]


async def test_body_validation_is_400_with_camel_case_field_paths(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/products", json={"items": [{"name": "ok"}, {"nome": "typo"}]})

    body = assert_problem(response, 400)
    assert body["type"] == errors.ValidationFailed.type
    fields = [error["field"] for error in body["errors"]]  # type: ignore[attr-defined]
    assert fields == ["unitOfMeasure", "items.1.name"]


async def test_query_validation_names_the_parameter(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/products", params={"limit": 0}), 400)

    assert [error["field"] for error in body["errors"]] == ["limit"]  # type: ignore[attr-defined]


async def test_malformed_json_is_400_with_a_clear_detail(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/products", content=b'{"unitOfMeasure": ', headers={"content-type": "application/json"}
    )

    body = assert_problem(response, 400)
    assert str(body["detail"]).startswith("Malformed JSON body")


async def test_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/nowhere"), 404)

    assert body["type"] == errors.NotFound.type
    assert "/nowhere" in str(body["detail"])


async def test_wrong_method_is_a_405_problem_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/products")

    assert_problem(response, 405)
    assert response.headers["Allow"]


async def test_an_unreachable_database_is_a_503_to_retry_not_a_500() -> None:
    async with client_for_new_app() as client:
        response = await client.get("/products/database-gone")

    body = assert_problem(response, 503)
    assert response.headers["retry-after"] == "5"
    assert "database is unavailable" in str(body["detail"])
    assert "10.1.2.3" not in response.text


async def test_unexpected_error_is_a_generic_500_without_internals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The app is built inside the test so that its log handler writes to the captured stdout.
    async with client_for_new_app() as client:
        response = await client.get("/products/crash", headers={"X-Correlation-ID": "crash-1"})

    body = assert_problem(response, 500)
    assert body["correlationId"] == "crash-1"
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    [error_line] = [line for line in logged if line["level"] == "ERROR"]
    assert error_line["correlation_id"] == "crash-1"
    assert "RuntimeError: database password is hunter2" in error_line["exc_info"]
