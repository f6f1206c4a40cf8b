import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from catalog_chassis.app import create_app
from catalog_chassis.auth import CurrentUser
from catalog_chassis.settings import ServiceSettings

SETTINGS = ServiceSettings(service_name="app-test")

router = APIRouter(prefix="/api/v1/gadgets", tags=["gadgets"])


@router.get("")
async def list_gadgets() -> list[str]:
    return []


@router.get("/mine")
async def my_gadgets(user: CurrentUser) -> list[str]:
    return []


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def openapi_of(app: FastAPI) -> dict[str, Any]:
    async with client_for(app) as client:
        response = await client.get("/openapi.json")
    document: dict[str, Any] = response.json()
    return document


async def test_operation_ids_are_tag_and_name() -> None:
    document = await openapi_of(create_app(SETTINGS, title="Gadgets", routers=[router]))

    assert document["paths"]["/api/v1/gadgets"]["get"]["operationId"] == "gadgets-list_gadgets"


async def test_openapi_offers_the_password_flow_of_the_identity_service() -> None:
    document = await openapi_of(create_app(SETTINGS, title="Gadgets", routers=[router]))

    scheme = document["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert scheme["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert document["paths"]["/api/v1/gadgets/mine"]["get"]["security"] == [
        {"OAuth2PasswordBearer": []}
    ]


async def test_password_flow_is_offered_even_without_protected_routes() -> None:
    document = await openapi_of(create_app(SETTINGS, title="Public", routers=[]))

    assert "OAuth2PasswordBearer" in document["components"]["securitySchemes"]


async def test_serves_docs_health_and_metrics() -> None:
    app = create_app(SETTINGS, title="Gadgets", routers=[router])
    async with client_for(app) as client:
        statuses = [
            (await client.get(path)).status_code for path in ("/docs", "/health", "/metrics")
        ]

    assert statuses == [200, 200, 200]


async def test_readiness_checks_are_wired() -> None:
    async def broken() -> None:
        raise ConnectionError("down")

    app = create_app(SETTINGS, title="G", routers=[], readiness_checks={"postgres": broken})
    async with client_for(app) as client:
        response = await client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"]["postgres"]["status"] == "DOWN"


class TaggingMiddleware:
    """Appends its name to a response header, to observe middleware order."""

    def __init__(self, app: ASGIApp, name: str) -> None:
        self.app = app
        self.name = name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def tagging_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message["headers"], (b"x-order", self.name.encode())]
            await send(message)

        await self.app(scope, receive, tagging_send)


async def test_extra_middleware_runs_first_listed_outermost() -> None:
    app = create_app(
        SETTINGS,
        title="G",
        routers=[router],
        extra_middleware=[
            Middleware(TaggingMiddleware, name="outer"),
            Middleware(TaggingMiddleware, name="inner"),
        ],
    )
    async with client_for(app) as client:
        response = await client.get("/api/v1/gadgets")

    # the inner middleware sees the response first, so its header comes first
    assert response.headers.get_list("x-order") == ["inner", "outer"]


async def test_runs_the_service_lifespan() -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        events.append("startup")
        yield
        events.append("shutdown")

    app = create_app(SETTINGS, title="G", routers=[], lifespan=lifespan)
    async with app.router.lifespan_context(app):
        assert events == ["startup"]

    assert events == ["startup", "shutdown"]


def test_keeps_the_settings_on_the_app() -> None:
    app = create_app(SETTINGS, title="G", routers=[])

    assert app.state.settings is SETTINGS


async def test_answered_errors_are_not_raised_again_to_the_server() -> None:
    failing = APIRouter()

    @failing.get("/fails")
    async def fails() -> None:
        raise RuntimeError("already answered")

    app = create_app(SETTINGS, title="G", routers=[failing])
    # The default transport re-raises whatever escapes the app, as a server would log it.
    async with client_for(app) as client:
        response = await client.get("/fails")

    assert response.status_code == 500
    assert response.headers["X-Correlation-ID"]


async def test_a_nul_character_in_a_query_parameter_is_a_400_naming_it() -> None:
    app = create_app(SETTINGS, title="Gadgets", routers=[router])
    async with client_for(app) as client:
        response = await client.get("/api/v1/gadgets", params={"name": "a\x00b", "ok": "x"})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"] == [
        {"field": "name", "message": "must not contain NUL characters"}
    ]


async def test_openapi_documents_400_problems_instead_of_fastapis_422() -> None:
    document = await openapi_of(create_app(SETTINGS, title="Gadgets", routers=[router]))

    listing = document["paths"]["/api/v1/gadgets/mine"]["get"]["responses"]
    assert "422" not in listing
    assert set(listing) >= {"200", "default"}
    assert listing["default"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["Problem"]["required"] == ["type", "title", "status", "detail"]


async def test_openapi_turns_a_validated_operations_422_into_a_400_problem() -> None:
    validated = APIRouter(prefix="/api/v1/things", tags=["things"])

    @validated.get("")
    async def find(limit: int = 10) -> list[str]:
        return []

    document = await openapi_of(create_app(SETTINGS, title="Things", routers=[validated]))

    responses = document["paths"]["/api/v1/things"]["get"]["responses"]
    assert "422" not in responses
    assert "application/problem+json" in responses["400"]["content"]
