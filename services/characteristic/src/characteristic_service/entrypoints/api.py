"""The ASGI entry point: `uvicorn characteristic_service.entrypoints.api:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware import Middleware

from catalog_chassis.app import create_app as create_service_app
from catalog_chassis.auth import TokenVerifier
from catalog_chassis.idempotency import IdempotencyMiddleware
from characteristic_service.bootstrap import bootstrap
from characteristic_service.config import CharacteristicSettings
from characteristic_service.entrypoints.routes import router


def create_app(
    settings: CharacteristicSettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    container = bootstrap(settings)
    app = create_service_app(
        container.settings,
        title="Catalog characteristic service",
        routers=[router],
        engine=container.engine,
        extra_middleware=[Middleware(IdempotencyMiddleware, store=container.idempotency)],
        token_verifier=token_verifier,
    )
    app.state.container = container
    return app
