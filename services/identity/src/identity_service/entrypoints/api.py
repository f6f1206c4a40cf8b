"""The ASGI entry point: `uvicorn identity_service.entrypoints.api:create_app --factory`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from starlette.middleware import Middleware

from catalog_chassis.app import create_app as create_service_app
from catalog_chassis.db import purge_expired_idempotency_keys
from catalog_chassis.idempotency import IdempotencyMiddleware, IdempotencyStore
from identity_service.bootstrap import Container, bootstrap
from identity_service.config import IdentitySettings
from identity_service.entrypoints.routes import router

logger = logging.getLogger(__name__)

# Responses carrying access tokens are never stored for replay.
CREDENTIAL_PATHS = (f"{router.prefix}/login", f"{router.prefix}/token")
# The identity service has no relay to do its housekeeping: the API does, every so often
# (each replica; the deletes are idempotent).
HOUSEKEEPING_INTERVAL = 600.0


async def housekeeping(container: Container, interval: float = HOUSEKEEPING_INTERVAL) -> None:
    """Forget login failures older than the throttle window and expired idempotency keys."""
    while True:
        try:
            if purged := await container.identity.purge_login_failures():
                logger.info("purged %d old login failure counts", purged)
            async with container.engine.begin() as connection:
                expired = await connection.execute(purge_expired_idempotency_keys())
                if count := getattr(expired, "rowcount", 0):
                    logger.info("purged %d expired idempotency keys", count)
        except (SQLAlchemyError, OSError) as error:
            logger.warning("identity housekeeping failed: %r", error)
        await asyncio.sleep(interval)


def create_app(settings: IdentitySettings | None = None) -> FastAPI:
    container = bootstrap(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(housekeeping(container))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = create_service_app(
        container.settings,
        title="Catalog identity service",
        routers=[router],
        engine=container.engine,
        lifespan=lifespan,
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
