"""The pricing app in-process against a migrated throwaway Postgres database, and its
offering-usage tracker fed offering events through the real broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from catalog_testing import (
    admin,
    client,
    consumer_fixture,
    migrated_database,
    outbox,
    rabbitmq_url,
    sql,
    tokens,
    user,
)
from pricing_service.config import PricingSettings
from pricing_service.entrypoints.api import create_app
from pricing_service.entrypoints.consumers import subscribe_offering_events

# The chassis' fixtures these tests use (see catalog_testing).
__all__ = ["admin", "client", "outbox", "rabbitmq_url", "sql", "tokens", "user"]

SERVICE_DIR = Path(__file__).resolve().parents[1]


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


# The offering-usage tracker consuming offering events from the real broker.
offering_events = consumer_fixture(subscribe_offering_events, app_id="pricing")
