"""The characteristic app in-process against a migrated throwaway Postgres database, and
the usage-tracking consumer fed specification events through the real broker."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from catalog_chassis.messaging import CloudEvent, cloud_event_from
from catalog_testing import (
    ConsumerUnderTest,
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
from characteristic_service.config import CharacteristicSettings
from characteristic_service.entrypoints.api import create_app
from characteristic_service.entrypoints.consumers import (
    subscribe_specification_events,
)
from specification_service.domain.model import Specification, SpecificationContent

# The chassis' fixtures these tests use (see catalog_testing).
__all__ = ["admin", "client", "outbox", "rabbitmq_url", "sql", "tokens", "user"]

SERVICE_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with migrated_database(SERVICE_DIR, prefix="characteristic_test") as url:
        yield url


@pytest.fixture(scope="session")
async def app(database_url, tokens):
    settings = CharacteristicSettings(database_url=database_url, environment="development")
    application = create_app(settings, token_verifier=tokens.verifier)
    yield application
    await application.state.container.engine.dispose()


# --- specification events: the usage-tracking consumer against the real broker ----------

specification_events = consumer_fixture(subscribe_specification_events, app_id="characteristic")


@pytest.fixture
def tracking_usages(specification_events) -> ConsumerUnderTest:
    return specification_events


@pytest.fixture
def deliver(specification_events):
    """Publish a specification CloudEvent to catalog.events; with ``wait`` (the default),
    return once the consumer has processed it."""

    async def publish(event: CloudEvent, *, wait: bool = True) -> None:
        action = event.type.removeprefix("Specification").lower()
        await specification_events.deliver(f"specification.{action}", event, wait=wait)

    return publish


def specification_events_of(specification: Specification) -> list[CloudEvent]:
    """The CloudEvents the specification service's outbox would publish for its changes."""
    return [
        cloud_event_from(event, service="specification", correlation_id="test-usages")
        for event in specification.collect_events()
    ]


@pytest.fixture
def new_specification():
    def create(*characteristic_ids: uuid.UUID | str, name: str | None = None) -> Specification:
        return Specification.create(
            SpecificationContent.validated(
                name=name or f"Fibre {uuid.uuid4().hex[:8]}",
                description=None,
                characteristic_ids=[uuid.UUID(str(cid)) for cid in characteristic_ids],
            )
        )

    return create


@pytest.fixture
def events_of():
    return specification_events_of
