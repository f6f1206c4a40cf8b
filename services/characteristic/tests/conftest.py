"""The characteristic app in-process against a migrated throwaway Postgres database, and
the usage-tracking consumer fed specification events through the real broker."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from catalog_chassis.db import create_engine, create_session_factory
from catalog_chassis.messaging import (
    Backoff,
    CloudEvent,
    ConsumerQueue,
    cloud_event_from,
    consumer_queue,
    make_broker,
    serve_consumers,
)
from catalog_chassis.testing import (
    admin,
    client,
    delete_queues,
    eventually,
    migrated_database,
    outbox,
    publish_event,
    rabbitmq_url,
    running_in_background,
    sql,
    tokens,
    user,
)
from characteristic_service.config import CharacteristicSettings
from characteristic_service.entrypoints.api import create_app
from characteristic_service.entrypoints.consumers import (
    SPECIFICATION_EVENTS,
    subscribe_specification_events,
)
from specification_service.domain.model import Specification, SpecificationContent

# The chassis' fixtures these tests use (see catalog_chassis.testing).
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

FAST_RETRIES = Backoff(initial=0.05, maximum=0.1)


@pytest.fixture
async def specification_events(rabbitmq_url) -> AsyncIterator[ConsumerQueue]:
    """The production queue's bindings under a name of the test's own, plus a key of its own
    (the last), so that poison messages reach no other consumer (the platform's may run)."""
    name = f"{SPECIFICATION_EVENTS.name}.test-{uuid.uuid4().hex[:8]}"
    queue = consumer_queue(name, [*SPECIFICATION_EVENTS.binding_keys, f"test.{name}"])
    yield queue
    await delete_queues(rabbitmq_url, [queue.name, queue.dead_letter_queue.name])


@pytest.fixture
async def tracking_usages(database_url, rabbitmq_url, specification_events) -> AsyncIterator[None]:
    engine = create_engine(database_url)
    broker = make_broker(rabbitmq_url, app_id="characteristic")
    subscribe_specification_events(
        broker,
        create_session_factory(engine),
        queue=specification_events,
        max_attempts=2,
        backoff=FAST_RETRIES,
    )
    async with running_in_background(
        lambda stop: serve_consumers(broker, [specification_events], stop)
    ):

        async def started() -> bool:
            return bool(broker.running)

        await eventually(started)
        yield
    await engine.dispose()


@pytest.fixture
def deliver(rabbitmq_url, specification_events, sql):
    """Publish a specification CloudEvent to catalog.events; with ``wait`` (the default),
    return once the consumer has processed it."""

    async def publish(event: CloudEvent, *, wait: bool = True) -> None:
        action = event.type.removeprefix("Specification").lower()
        await publish_event(rabbitmq_url, f"specification.{action}", event.to_json_bytes())
        if not wait:
            return

        async def processed() -> bool:
            return bool(
                await sql(
                    "SELECT 1 FROM processed_events WHERE consumer = :c AND event_id = :e",
                    c=specification_events.name,
                    e=event.id,
                )
            )

        await eventually(processed)

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
