"""The ASGI entry point: `uvicorn identity_service.entrypoints.api:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from catalog_chassis.app import create_app as create_service_app
from identity_service.bootstrap import bootstrap
from identity_service.config import IdentitySettings
from identity_service.entrypoints.routes import router


def create_app(settings: IdentitySettings | None = None) -> FastAPI:
    container = bootstrap(settings)
    app = create_service_app(
        container.settings,
        title="Catalog identity service",
        routers=[router],
        engine=container.engine,
        token_verifier=container.token_verifier,
    )
    app.state.container = container
    return app
