"""The ASGI entry point: `uvicorn identity_service.entrypoints.api:create_app --factory`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from catalog_chassis.app import create_app as create_service_app
from catalog_chassis.health import postgres_check
from identity_service.bootstrap import bootstrap
from identity_service.config import IdentitySettings
from identity_service.entrypoints.routes import router


def create_app(settings: IdentitySettings | None = None) -> FastAPI:
    container = bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await container.engine.dispose()

    app = create_service_app(
        container.settings,
        title="Catalog identity service",
        routers=[router],
        readiness_checks={"postgres": postgres_check(container.engine)},
        lifespan=lifespan,
        engine=container.engine,
        token_verifier=container.token_verifier,
    )
    app.state.container = container
    return app
