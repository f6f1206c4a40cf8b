"""The ASGI entry point: `uvicorn offering_service.entrypoints.api:create_app --factory`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware import Middleware

from catalog_chassis.app import create_app as create_service_app
from catalog_chassis.auth import TokenVerifier
from catalog_chassis.idempotency import IdempotencyMiddleware
from offering_service.application.publication import SagaEngine
from offering_service.bootstrap import bootstrap
from offering_service.config import OfferingSettings
from offering_service.entrypoints.routes import router


def create_app(
    settings: OfferingSettings | None = None,
    *,
    token_verifier: TokenVerifier | None = None,
    saga_engine: SagaEngine | None = None,
) -> FastAPI:
    container = bootstrap(settings, saga_engine=saga_engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await container.close_clients()  # the database engine is the chassis' to close

    app = create_service_app(
        container.settings,
        title="Catalog offering service",
        routers=[router],
        # Readiness checks only Postgres: with the caches, this service works without the
        # specification and pricing services.
        engine=container.engine,
        lifespan=lifespan,
        extra_middleware=[Middleware(IdempotencyMiddleware, store=container.idempotency)],
        token_verifier=token_verifier,
    )
    app.state.container = container
    return app
