"""The ASGI entry point: `uvicorn identity_service.entrypoints.api:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware import Middleware

from catalog_chassis.app import create_app as create_service_app
from catalog_chassis.idempotency import IdempotencyMiddleware, IdempotencyStore
from identity_service.bootstrap import bootstrap
from identity_service.config import IdentitySettings
from identity_service.entrypoints.routes import router

# Responses carrying access tokens are never stored for replay.
CREDENTIAL_PATHS = (f"{router.prefix}/login", f"{router.prefix}/token")


def create_app(settings: IdentitySettings | None = None) -> FastAPI:
    container = bootstrap(settings)
    app = create_service_app(
        container.settings,
        title="Catalog identity service",
        routers=[router],
        engine=container.engine,
        token_verifier=container.token_verifier,
        extra_middleware=[
            Middleware(
                IdempotencyMiddleware,
                store=IdempotencyStore(container.engine),
                never_store=CREDENTIAL_PATHS,
            )
        ],
    )
    app.state.container = container
    return app
