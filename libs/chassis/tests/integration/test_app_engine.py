"""`create_app` given the service's engine: readiness checks it, shutdown disposes it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from catalog_chassis.app import create_app
from catalog_chassis.db import create_engine
from catalog_chassis.health import ReadinessCheck
from catalog_chassis.settings import ServiceSettings

pytestmark = pytest.mark.integration

SETTINGS = ServiceSettings(service_name="app-engine-test")


async def connections_named(database_url: str, application_name: str) -> int:
    observer = create_engine(database_url)
    try:
        async with observer.connect() as connection:
            counted = await connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": application_name},
            )
            return int(counted.scalar_one())
    finally:
        await observer.dispose()


async def test_readiness_checks_the_engine_as_postgres_before_the_other_checks(
    chassis_database_url: str,
) -> None:
    async def queue_check() -> None:
        return None

    checks: dict[str, ReadinessCheck] = {"queue": queue_check}
    engine = create_engine(chassis_database_url)
    try:
        app = create_app(SETTINGS, title="G", routers=[], engine=engine, readiness_checks=checks)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/health/ready")
    finally:
        await engine.dispose()

    assert response.status_code == 200, response.text
    assert list(response.json()["checks"]) == ["postgres", "queue"]
    assert response.json()["checks"]["postgres"]["status"] == "UP"


async def test_shutdown_closes_the_engine_s_connections_after_the_service_lifespan(
    chassis_database_url: str,
) -> None:
    name = f"app-engine-{uuid.uuid4().hex[:8]}"
    engine = create_engine(chassis_database_url, application_name=name)
    pooled_when_the_service_shut_down: list[int] = []

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        pooled_when_the_service_shut_down.append(
            await connections_named(chassis_database_url, name)
        )

    app = create_app(SETTINGS, title="G", routers=[], engine=engine, lifespan=lifespan)
    async with app.router.lifespan_context(app), engine.connect() as connection:
        await connection.execute(text("SELECT 1"))

    assert pooled_when_the_service_shut_down == [1]  # still open for the service's clean-up
    assert await connections_named(chassis_database_url, name) == 0
