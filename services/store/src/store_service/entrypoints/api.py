"""The ASGI entry point: `uvicorn store_service.entrypoints.api:create_app --factory`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from catalog_chassis.app import create_app as create_service_app
from catalog_chassis.auth import TokenVerifier
from catalog_chassis.health import ReadinessCheck, queue_depths_check
from store_service.bootstrap import Container, bootstrap
from store_service.config import StoreSettings
from store_service.entrypoints.routes import router
from store_service.entrypoints.topology import QUEUES

logger = logging.getLogger(__name__)


def _readiness(container: Container) -> dict[str, ReadinessCheck]:
    async def mongodb() -> None:
        await container.mongo_client.admin.command("ping")

    async def search() -> None:
        await container.index.ready()

    return {
        "mongodb": mongodb,
        "search": search,
        # The projection's backlog: how far the store is behind the write side.
        "consumers": queue_depths_check(
            container.settings.rabbitmq_url.get_secret_value(),
            [queue.name for queue in QUEUES.values()],
        ),
    }


def create_app(
    settings: StoreSettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    container = bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            await container.prepare()
        except Exception:
            # Readiness reports the dependency as DOWN; the API still starts and recovers.
            logger.exception("could not prepare the store's databases yet")
        yield
        await container.aclose()

    app = create_service_app(
        container.settings,
        title="Catalog store service",
        routers=[router],
        readiness_checks=_readiness(container),
        lifespan=lifespan,
        token_verifier=token_verifier,
    )
    app.state.container = container
    return app
