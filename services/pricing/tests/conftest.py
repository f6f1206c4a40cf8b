"""The pricing app in-process against a migrated throwaway Postgres database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from catalog_chassis.testing import TestTokens, migrated_database, rabbitmq_url  # noqa: F401
from pricing_service.config import PricingSettings
from pricing_service.entrypoints.api import create_app

SERVICE_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def tokens() -> TestTokens:
    return TestTokens()


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with migrated_database(SERVICE_DIR, prefix="pricing_test") as url:
        yield url


@pytest.fixture(scope="session")
async def app(database_url, tokens):
    settings = PricingSettings(database_url=database_url, environment="development")
    application = create_app(settings, token_verifier=tokens.verifier)
    yield application
    await application.state.container.engine.dispose()


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pricing") as c:
        yield c


@pytest.fixture
def admin(tokens) -> dict[str, str]:
    return tokens.headers("ADMIN")


@pytest.fixture
def user(tokens) -> dict[str, str]:
    return tokens.headers("USER")
