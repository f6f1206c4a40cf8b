"""The ASGI entry point: `uvicorn specification_service.entrypoints.api:create_app --factory`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware import Middleware

from catalog_chassis.app import create_app as create_service_app
from catalog_chassis.auth import TokenVerifier
from catalog_chassis.idempotency import IdempotencyMiddleware
from specification_service.bootstrap import bootstrap
from specification_service.config import SpecificationSettings
from specification_service.entrypoints.routes import router


def create_app(
    settings: SpecificationSettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    container = bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await container.characteristic_directory.aclose()  # the engine is the chassis' to close

    app = create_service_app(
        container.settings,
        title="Catalog specification service",
        routers=[router],
        # Readiness checks only Postgres, not the characteristic service: with the cache,
        # this service works without it.
        engine=container.engine,
        lifespan=lifespan,
        extra_middleware=[Middleware(IdempotencyMiddleware, store=container.idempotency)],
        token_verifier=token_verifier,
    )
    app.state.container = container
    return app
