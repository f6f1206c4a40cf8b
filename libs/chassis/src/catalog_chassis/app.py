"""`create_app`: the one way every service builds its FastAPI application.

It wires the cross-cutting concerns in a fixed order so services cannot get them subtly
different: JSON logging, tracing, correlation ids, problem responses, health, metrics,
bearer-token verification and an OpenAPI document whose "Authorize" button works.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.middleware import Middleware
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp

from catalog_chassis.auth import TOKEN_URL, TokenVerifier
from catalog_chassis.correlation import RequestMiddleware
from catalog_chassis.health import ReadinessCheck, health_router, postgres_check
from catalog_chassis.logging import configure_logging
from catalog_chassis.metrics import install_metrics_endpoint
from catalog_chassis.problems import PROBLEM_MEDIA_TYPE, install_problem_handlers
from catalog_chassis.schemas import reject_nul_in_query
from catalog_chassis.settings import ServiceSettings
from catalog_chassis.tracing import configure_tracing, current_tracer_provider

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[Any]]

SECURITY_SCHEME_NAME = "OAuth2PasswordBearer"


class ServiceApp(FastAPI):
    """A FastAPI app whose request middleware sits outside the error handler.

    Starlette answers unhandled exceptions from its outermost ServerErrorMiddleware, i.e.
    outside every middleware added with `add_middleware`. Wrapping that stack here lets the
    500 problem response still carry X-Correlation-ID and be counted. The extra outer
    ServerErrorMiddleware keeps the stack in the shape OpenTelemetry's FastAPI
    instrumentation expects, so its server span encloses all of this.
    """

    def build_middleware_stack(self) -> ASGIApp:
        return ServerErrorMiddleware(RequestMiddleware(super().build_middleware_stack()))


def operation_id(route: APIRoute) -> str:
    """Operation ids `<tag>-<name>`, so generated API clients get readable method names."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(
    settings: ServiceSettings,
    *,
    title: str,
    routers: Sequence[APIRouter],
    readiness_checks: Mapping[str, ReadinessCheck] | None = None,
    lifespan: Lifespan | None = None,
    extra_middleware: Sequence[Middleware] = (),
    token_verifier: TokenVerifier | None = None,
    engine: AsyncEngine | None = None,
) -> FastAPI:
    """Build a service's app. `extra_middleware` runs in the given order, first outermost.

    `engine` is the service's database engine, if it has one: readiness checks it (as
    "postgres", before `readiness_checks`), its SQL gets spans, and it is disposed on
    shutdown after the service's own `lifespan` has finished.
    """
    configure_logging(settings.service_name, settings.log_level)
    if engine is not None:
        readiness_checks = {"postgres": postgres_check(engine), **(readiness_checks or {})}
    app = ServiceApp(
        title=title,
        lifespan=_cleaning_up_on_exit(lifespan, engine),
        generate_unique_id_function=operation_id,
        docs_url="/docs",
        dependencies=[Depends(reject_nul_in_query)],
    )
    app.state.settings = settings
    app.state.token_verifier = token_verifier or TokenVerifier.from_jwks_url(
        settings.jwks_url, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    install_problem_handlers(app)
    for middleware in reversed(extra_middleware):
        app.add_middleware(middleware.cls, *middleware.args, **middleware.kwargs)
    app.include_router(health_router(readiness_checks))
    install_metrics_endpoint(app)
    for router in routers:
        app.include_router(router)
    _advertise_password_flow(app)
    _document_problems(app)
    configure_tracing(settings.service_name, app=app, engine=engine)
    return app


def _cleaning_up_on_exit(lifespan: Lifespan | None, engine: AsyncEngine | None) -> Lifespan:
    @asynccontextmanager
    async def lifespan_with_cleanup(app: FastAPI) -> AsyncIterator[Any]:
        try:
            if lifespan is None:
                yield None
            else:
                async with lifespan(app) as state:
                    yield state
        finally:
            try:
                if engine is not None:
                    await engine.dispose()
            finally:
                # Spans still queued in the batch processor would be lost at exit.
                provider = current_tracer_provider()
                if provider is not None:
                    provider.force_flush()

    return lifespan_with_cleanup


def _advertise_password_flow(app: FastAPI) -> None:
    """Declare the OAuth2 password flow even if no route of this app requires a token."""
    build_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        first_build = app.openapi_schema is None
        schema = build_openapi()  # FastAPI caches the schema after the first build
        if first_build:
            schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
            schemes.setdefault(
                SECURITY_SCHEME_NAME,
                {"type": "oauth2", "flows": {"password": {"scopes": {}, "tokenUrl": TOKEN_URL}}},
            )
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


PROBLEM_SCHEMA_NAME = "Problem"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem: every error this API returns.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "correlationId": {"type": ["string", "null"]},
        "errors": {
            "description": "For validation failures: each field and what is wrong with it.",
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
_PROBLEM_CONTENT = {
    PROBLEM_MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA_NAME}"}}
}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _document_problems(app: FastAPI) -> None:
    """Make the OpenAPI document say what the API does: request validation fails with a 400
    problem (FastAPI documents its default 422, which the problem handlers replace), every
    error response is ``application/problem+json``, and any operation may answer with one
    (a ``default`` response), so generated clients type errors correctly."""
    build_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        first_build = app.openapi_schema is None
        schema = build_openapi()
        if first_build:
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    _problem_responses(operation.setdefault("responses", {}))
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            for name in _FASTAPI_VALIDATION_SCHEMAS:
                schemas.pop(name, None)
            schemas[PROBLEM_SCHEMA_NAME] = PROBLEM_SCHEMA
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _problem_responses(responses: dict[str, Any]) -> None:
    if responses.pop("422", None) is not None:
        responses.setdefault("400", {"description": "Validation failed: `errors` names each field"})
    for status, response in responses.items():
        if status[:1] in ("4", "5"):
            response["content"] = _PROBLEM_CONTENT
    responses.setdefault(
        "default",
        {"description": "Any other error, as a problem (401, 403, 404, 409, …)"}
        | {"content": _PROBLEM_CONTENT},
    )
