"""The specification app in-process against a migrated throwaway Postgres database, its
offering-usage tracker fed offering events through the real broker, and a
real characteristic service (its own app and database) listening on a free local port, so
that characteristic lookups travel over real HTTP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalog_chassis.http_client import circuit_breaker_for
from catalog_testing import (
    TestTokens,
    admin,
    asgi_client,
    client,
    consumer_fixture,
    free_port,
    migrated_database,
    outbox,
    rabbitmq_url,
    serving_app,
    sql,
    tokens,
    user,
)
from characteristic_service.config import CharacteristicSettings
from characteristic_service.entrypoints.api import create_app as create_characteristic_app
from specification_service.bootstrap import CHARACTERISTIC_SERVICE
from specification_service.config import SpecificationSettings
from specification_service.entrypoints.api import create_app
from specification_service.entrypoints.consumers import subscribe_offering_events

# The chassis' fixtures these tests use (see catalog_testing).
__all__ = ["admin", "client", "outbox", "rabbitmq_url", "sql", "tokens", "user"]

SERVICE_DIR = Path(__file__).resolve().parents[1]
CHARACTERISTIC_SERVICE_DIR = SERVICE_DIR.parent / "characteristic"
CHARACTERISTICS = "/api/v1/characteristics"


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with migrated_database(SERVICE_DIR, prefix="specification_test") as url:
        yield url


@pytest.fixture(scope="session")
async def characteristic_url(tokens) -> AsyncIterator[str]:
    """The characteristic service, served by uvicorn in this event loop, trusting the
    same test tokens as the specification app."""
    async with migrated_database(CHARACTERISTIC_SERVICE_DIR, prefix="characteristic_test") as url:
        application = create_characteristic_app(
            CharacteristicSettings(database_url=url, environment="development"),
            token_verifier=tokens.verifier,
        )
        async with serving_app(application) as url:
            yield url


def specification_app(database_url: str, characteristic_url: str, tokens: TestTokens):
    settings = SpecificationSettings(
        database_url=database_url,
        environment="development",
        characteristic_url=characteristic_url,
    )
    return create_app(settings, token_verifier=tokens.verifier)


@pytest.fixture(scope="session")
async def app(database_url, characteristic_url, tokens):
    application = specification_app(database_url, characteristic_url, tokens)
    yield application
    await application.state.container.aclose()


@pytest.fixture
def characteristic_breaker():
    """The process-wide breaker towards the characteristic service, closed before and after
    a test that trips it, so other tests find the service reachable again."""
    breaker = circuit_breaker_for(CHARACTERISTIC_SERVICE)
    breaker.close()
    yield breaker
    breaker.close()


@pytest.fixture
async def client_without_characteristics(
    database_url, tokens, characteristic_breaker
) -> AsyncIterator[httpx.AsyncClient]:
    """The specification app (same database) with the characteristic service down: its
    URL points at a port nobody listens on."""
    application = specification_app(database_url, f"http://127.0.0.1:{free_port()}", tokens)
    async with asgi_client(application, "http://specification") as c:
        yield c
    await application.state.container.aclose()


@pytest.fixture
async def new_characteristic(
    characteristic_url, admin
) -> AsyncIterator[Callable[..., Awaitable[dict[str, Any]]]]:
    """Create a characteristic in the real characteristic service; returns its body."""
    async with httpx.AsyncClient(base_url=characteristic_url, headers=admin) as characteristics:

        async def create(value: str = "100", unit: str = "Mbps") -> dict[str, Any]:
            response = await characteristics.post(
                CHARACTERISTICS,
                json={
                    "name": f"Speed {uuid.uuid4().hex[:10]}",
                    "value": value,
                    "unitOfMeasure": unit,
                },
            )
            assert response.status_code == 201, response.text
            body: dict[str, Any] = response.json()
            return body

        yield create


# The offering-usage tracker consuming offering events from the real broker.
offering_events = consumer_fixture(subscribe_offering_events, app_id="specification")
