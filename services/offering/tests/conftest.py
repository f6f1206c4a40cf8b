"""The offering app in-process against a migrated throwaway Postgres database, with a real
pricing service (its own app and database) on a free local port, so that price lookups
travel over real HTTP. Specification lookups point at a port nobody listens on: tests seed
the specification cache the way the consumer does, or expect 503."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalog_testing import (
    admin,
    client,
    free_port,
    migrated_database,
    outbox,
    rabbitmq_url,
    serving_app,
    sql,
    tokens,
    user,
)
from offering_service.config import OfferingSettings
from offering_service.entrypoints.api import create_app
from pricing_service.config import PricingSettings
from pricing_service.entrypoints.api import create_app as create_pricing_app

# The chassis' fixtures these tests use (see catalog_testing).
__all__ = ["admin", "client", "outbox", "rabbitmq_url", "sql", "tokens", "user"]

SERVICE_DIR = Path(__file__).resolve().parents[1]
PRICING_SERVICE_DIR = SERVICE_DIR.parent / "pricing"
PRICES = "/api/v1/prices"


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with migrated_database(SERVICE_DIR, prefix="offering_test") as url:
        yield url


@pytest.fixture(scope="session")
async def pricing_url(tokens) -> AsyncIterator[str]:
    """The pricing service, served by uvicorn in this event loop."""
    async with migrated_database(PRICING_SERVICE_DIR, prefix="pricing_test") as url:
        application = create_pricing_app(
            PricingSettings(database_url=url, environment="development"),
            token_verifier=tokens.verifier,
        )
        async with serving_app(application) as url:
            yield url


@pytest.fixture(scope="session")
async def app(database_url, pricing_url, tokens):
    settings = OfferingSettings(
        database_url=database_url,
        environment="development",
        pricing_url=pricing_url,
        specification_url=f"http://127.0.0.1:{free_port()}",
        # No engine: publication requests wait in their table (tests start them themselves).
        camunda_url=None,
    )
    application = create_app(settings, token_verifier=tokens.verifier)
    yield application
    await application.state.container.aclose()


@pytest.fixture
async def new_price(pricing_url, admin) -> AsyncIterator[Callable[..., Awaitable[dict[str, Any]]]]:
    """Create a price in the real pricing service; returns its body."""
    async with httpx.AsyncClient(base_url=pricing_url, headers=admin) as prices:

        async def create() -> dict[str, Any]:
            response = await prices.post(
                PRICES,
                json={
                    "name": f"Monthly {uuid.uuid4().hex[:10]}",
                    "value": "19.99",
                    "unit": "per month",
                    "currency": "EUR",
                },
            )
            assert response.status_code == 201, response.text
            body: dict[str, Any] = response.json()
            return body

        yield create


@pytest.fixture
def known_specification(sql) -> Callable[[], Awaitable[str]]:
    """A specification in the cache, as the consumer stores one from its event."""

    async def create() -> str:
        specification_id = uuid.uuid4()
        await sql(
            "INSERT INTO known_specifications (id, name, version) VALUES (:id, :name, 1)",
            id=specification_id,
            name=f"Fibre {specification_id.hex[:8]}",
        )
        return str(specification_id)

    return create
