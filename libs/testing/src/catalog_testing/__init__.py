"""Test support for the chassis and every service: real infrastructure, throwaway resources.

Settings come from the environment, falling back to ``.local/platform.env`` (the contract
between the local platform and the tests). Databases are created through
``POSTGRES_ADMIN_URL`` and dropped afterwards; queues are exclusive and vanish with their
connection. Use the fixtures by importing them into a ``conftest.py``::

    from catalog_testing import chassis_database_url, rabbitmq_url  # noqa: F401

A service's ``conftest.py`` defines ``database_url`` (its migrated database) and ``app``;
the service fixtures here (``client``, ``tokens``, ``admin``, ``user``, ``sql``,
``outbox``) build on those two.

Only tests import this module (it needs pytest).
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx
import pytest
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue
from fastapi import FastAPI
from faststream.rabbit import RabbitBroker
from faststream.rabbit.schemas.queue import QuorumQueueArgs
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from catalog_chassis.db import (
    asyncpg_url,
    chassis_metadata,
    create_engine,
    create_session_factory,
    libpq_dsn,
)
from catalog_chassis.domain import DomainEvent
from catalog_chassis.errors import Conflict, PreconditionFailed, ServiceUnavailable
from catalog_chassis.messaging.broker import make_broker
from catalog_chassis.messaging.cloudevents import (
    CLOUDEVENTS_CONTENT_TYPE,
    CloudEvent,
    cloud_event_from,
)
from catalog_chassis.messaging.consumer import EventSubscription
from catalog_chassis.messaging.retry import RetrySchedule
from catalog_chassis.messaging.runner import serve_consumers
from catalog_chassis.messaging.topology import EVENTS_EXCHANGE_NAME, ConsumerQueue, consumer_queue
from catalog_chassis.migrations import OUTBOX_NOTIFY_DDL
from catalog_chassis.naming import name_key
from catalog_chassis.outbox.relay import OutboxRelay, RelayOptions
from catalog_chassis.usages import Referrer, ReferrerUsage
from catalog_chassis.workflow.engine import EngineClient
from catalog_chassis.workflow.tasks import ExternalTask

PLATFORM_ENV_FILE = Path(".local") / "platform.env"
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
# Durable test queues delete themselves once unused for 10 minutes, should a test's own
# clean-up not run (e.g. the broker was down at the time).
THROWAWAY_QUEUE_EXPIRES_MS = 600_000
THROWAWAY_QUEUE_ARGS: QuorumQueueArgs = {"x-expires": THROWAWAY_QUEUE_EXPIRES_MS}


def _platform_env_file() -> Path | None:
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for directory in (start, *start.parents):
            candidate = directory / PLATFORM_ENV_FILE
            if candidate.is_file():
                return candidate
    return None


def platform_env() -> dict[str, str]:
    """``.local/platform.env`` overlaid with the process environment (which wins)."""
    values: dict[str, str] = {}
    env_file = _platform_env_file()
    if env_file is not None:
        for line in env_file.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                name, _, value = line.partition("=")
                values[name.strip()] = value.strip().strip('"').strip("'")
    values.update(os.environ)
    return values


def platform_setting(name: str, default: str | None = None) -> str:
    """A setting the tests need; without it (and without ``default``) the test fails, naming
    the setting: a test that needs infrastructure must never pass by skipping."""
    value = platform_env().get(name, default)
    if value is None:
        pytest.fail(
            f"{name} is not set: export it, or start the local platform (`make up` writes"
            f" it to {PLATFORM_ENV_FILE})",
            pytrace=False,
        )
    return value


# ---------------------------------------------------------------------------------------------
# Postgres


@asynccontextmanager
async def throwaway_database(prefix: str = "test") -> AsyncIterator[str]:
    """A new empty database; yields its ``postgresql+asyncpg://`` URL, drops it afterwards."""
    admin_url = platform_setting("POSTGRES_ADMIN_URL")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(libpq_dsn(admin_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield asyncpg_url(make_url(admin_url).set(database=name).render_as_string(False))
    finally:
        admin = await asyncpg.connect(libpq_dsn(admin_url))
        try:
            try:
                # FORCE: a test that failed half-way may leave connections open.
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except asyncpg.InsufficientPrivilegeError:
                # FORCE refuses to end a backend of no role of ours: an autovacuum worker
                # (seen after migrations drop and re-create tables). A plain DROP makes
                # autovacuum leave the database and waits for it.
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            await admin.close()


async def create_chassis_schema(engine: AsyncEngine) -> None:
    """The chassis tables and the outbox NOTIFY trigger, as the migration helpers make them."""
    async with engine.begin() as connection:
        await connection.run_sync(chassis_metadata.create_all)
        for statement in OUTBOX_NOTIFY_DDL:
            await connection.exec_driver_sql(statement)


SqlRunner = Callable[..., Awaitable[list[dict[str, Any]]]]


@asynccontextmanager
async def sql_runner(database_url: str) -> AsyncIterator[SqlRunner]:
    """``run(statement, **parameters)``: one statement in its own committed transaction;
    returns the rows as dicts (none for statements that return no rows)."""
    engine = create_engine(database_url)

    async def run(statement: str, **parameters: Any) -> list[dict[str, Any]]:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement), parameters)
            return [dict(row._mapping) for row in result] if result.returns_rows else []

    try:
        yield run
    finally:
        await engine.dispose()


async def outbox_rows(sql: SqlRunner, aggregate_id: str) -> list[dict[str, Any]]:
    """The outbox rows of one aggregate, oldest first."""
    return await sql(
        "SELECT * FROM outbox WHERE aggregate_id = :id ORDER BY created_at, id", id=aggregate_id
    )


async def outbox_drained(sql: SqlRunner) -> bool:
    """No outbox row is waiting for the relay."""
    [row] = await sql("SELECT count(*) AS pending FROM outbox WHERE status = 'PENDING'")
    return bool(row["pending"] == 0)


@pytest.fixture
async def sql(database_url: str) -> AsyncIterator[SqlRunner]:
    """Statements against the service's database (see :func:`sql_runner`)."""
    async with sql_runner(database_url) as run:
        yield run


@pytest.fixture
def outbox(sql: SqlRunner) -> Callable[[str], Awaitable[list[dict[str, Any]]]]:
    """``outbox(aggregate_id)``: that aggregate's outbox rows, oldest first."""

    async def rows_for(aggregate_id: str) -> list[dict[str, Any]]:
        return await outbox_rows(sql, aggregate_id)

    return rows_for


@pytest.fixture
async def chassis_database_url() -> AsyncIterator[str]:
    """A throwaway database with the chassis tables, one per test."""
    async with throwaway_database("chassis") as url:
        engine = create_engine(url)
        try:
            await create_chassis_schema(engine)
        finally:
            await engine.dispose()
        yield url


# ---------------------------------------------------------------------------------------------
# RabbitMQ


@pytest.fixture(scope="session")
def rabbitmq_url() -> str:
    return platform_setting("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)


@asynccontextmanager
async def probe_queue(
    url: str,
    binding_keys: Sequence[str],
    *,
    exchange: str = EVENTS_EXCHANGE_NAME,
) -> AsyncIterator[AbstractQueue]:
    """An exclusive, server-named queue bound to ``exchange`` that sees what tests publish."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        events = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for key in binding_keys:
            await queue.bind(events, routing_key=key)
        yield queue
    finally:
        await connection.close()


async def next_message(queue: AbstractQueue, within: float = 5.0) -> AbstractIncomingMessage:
    """The next message on ``queue`` (acknowledged), or AssertionError after ``within`` s."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        message = await queue.get(no_ack=True, fail=False)
        if message is not None:
            return message
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no message on {queue.name} within {within}s")
        await asyncio.sleep(0.05)


async def drain(queue: AbstractQueue, settle: float = 0.3) -> list[AbstractIncomingMessage]:
    """Every message on ``queue`` once it has stayed empty for ``settle`` seconds."""
    messages: list[AbstractIncomingMessage] = []
    while True:
        message = await queue.get(no_ack=True, fail=False)
        if message is not None:
            messages.append(message)
            continue
        await asyncio.sleep(settle)
        message = await queue.get(no_ack=True, fail=False)
        if message is None:
            return messages
        messages.append(message)


@asynccontextmanager
async def durable_probe_queue(url: str, binding_keys: Sequence[str]) -> AsyncIterator[str]:
    """A named durable queue on ``catalog.events`` that survives a broker restart.

    Yields its name; read it with :func:`collect_messages`. Deleted afterwards.
    """
    name = f"test.probe.{uuid.uuid4().hex[:12]}"
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        events = await channel.declare_exchange(
            EVENTS_EXCHANGE_NAME, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(
            name, durable=True, arguments={"x-expires": THROWAWAY_QUEUE_EXPIRES_MS}
        )
        for key in binding_keys:
            await queue.bind(events, routing_key=key)
    finally:
        await connection.close()
    try:
        yield name
    finally:
        await delete_queues(url, [name])


async def collect_messages(
    url: str, queue_name: str, count: int, within: float = 10.0
) -> list[AbstractIncomingMessage]:
    """Take ``count`` messages from an existing queue, failing after ``within`` seconds."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name)
        deadline = asyncio.get_running_loop().time() + within
        messages: list[AbstractIncomingMessage] = []
        while len(messages) < count:
            remaining = max(deadline - asyncio.get_running_loop().time(), 0.0)
            messages.append(await next_message(queue, within=remaining))
        return messages
    finally:
        await connection.close()


async def publish_event(
    url: str,
    routing_key: str,
    body: bytes,
    *,
    headers: dict[str, str] | None = None,
    content_type: str = CLOUDEVENTS_CONTENT_TYPE,
) -> None:
    """Publish raw bytes to ``catalog.events``, as a producer (or a misbehaving one) would."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        events = await channel.declare_exchange(
            EVENTS_EXCHANGE_NAME, aio_pika.ExchangeType.TOPIC, durable=True
        )
        message = aio_pika.Message(
            body,
            headers=dict(headers or {}),
            content_type=content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        await events.publish(message, routing_key=routing_key)
    finally:
        await connection.close()


async def delete_queues(url: str, names: Sequence[str]) -> None:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        for name in names:
            await channel.queue_delete(name)
    finally:
        await connection.close()


async def message_count(url: str, queue_name: str) -> int:
    """The messages ready in an existing queue (not those delivered and unacknowledged)."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, passive=True)
        return int(queue.declaration_result.message_count or 0)
    finally:
        await connection.close()


@asynccontextmanager
async def running_in_background(
    main: Callable[[asyncio.Event], Coroutine[Any, Any, None]],
) -> AsyncIterator[asyncio.Task[None]]:
    """Run ``main(stop)`` (a relay, consumers...) as a task; stop it and await it on exit."""
    stop = asyncio.Event()
    task = asyncio.create_task(main(stop))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


@asynccontextmanager
async def serving_consumers(
    broker: RabbitBroker, queues: Sequence[ConsumerQueue], **options: Any
) -> AsyncIterator[asyncio.Task[None]]:
    """:func:`serve_consumers` (``options`` passed on) in the background, entered once the
    topology is declared and the broker consumes; stopped on exit."""
    async with running_in_background(
        lambda stop: serve_consumers(broker, queues, stop, **options)
    ) as task:

        async def started() -> bool:
            if task.done():
                task.result()  # re-raises why it stopped
            return bool(broker.running)

        await eventually(started, within=30)
        yield task


async def eventually(
    condition: Callable[[], Awaitable[bool]], within: float = 10.0, every: float = 0.05
) -> None:
    """Wait until the async ``condition`` holds; AssertionError after ``within`` seconds."""
    deadline = asyncio.get_running_loop().time() + within
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(every)


def _rabbitmqctl(*arguments: str) -> None:
    executable = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    subprocess.run([executable, *arguments], check=True, capture_output=True, timeout=120)  # noqa: S603


@asynccontextmanager
async def running_outbox_relay(
    database_url: str, rabbitmq_url: str, *, app_id: str, poll_interval: float = 0.5
) -> AsyncIterator[OutboxRelay]:
    """A service's outbox relay publishing to the real broker in the background; stopped,
    with its broker and engine, on exit."""
    engine = create_engine(database_url)
    broker = make_broker(rabbitmq_url, app_id=app_id)
    relay = OutboxRelay(
        create_session_factory(engine),
        broker,
        listen_dsn=libpq_dsn(database_url),
        options=RelayOptions(poll_interval=poll_interval),
    )
    try:
        async with running_in_background(relay.run):
            yield relay
    finally:
        await broker.stop()
        await engine.dispose()


# Retries for consumers under test: a message that keeps failing reaches the DLQ after
# three attempts, within half a second.
TEST_RETRY_SCHEDULE = RetrySchedule((0.05, 0.2))


@asynccontextmanager
async def own_consumer_queue(
    url: str, production: ConsumerQueue, *, retry: RetrySchedule = TEST_RETRY_SCHEDULE
) -> AsyncIterator[ConsumerQueue]:
    """The production queue's bindings under a name of the test's own, plus a key of its own
    (the last), so that poison messages reach no other consumer (the platform's may run).
    Its queues (the queue, its delay queues and its DLQ) are deleted afterwards."""
    name = f"{production.name}.test-{uuid.uuid4().hex[:8]}"
    queue = consumer_queue(
        name,
        [*production.binding_keys, f"test.{name}"],
        retry=retry,
        extra_arguments=THROWAWAY_QUEUE_ARGS,
    )
    try:
        yield queue
    finally:
        await delete_queues(url, queue.queue_names)


@dataclass
class ConsumerUnderTest:
    """A service's consumer serving a queue of the test's own (see :func:`own_consumer_queue`)
    against the real broker and database: the platform's own consumers never see what the
    test publishes to the queue's own key."""

    queue: ConsumerQueue
    rabbitmq_url: str
    sql: SqlRunner

    @property
    def own_key(self) -> str:
        return self.queue.binding_keys[-1]

    async def deliver(self, routing_key: str, event: CloudEvent, *, wait: bool = True) -> None:
        """Publish ``event`` to catalog.events; with ``wait`` (the default), return once the
        consumer has processed it (its processed_events row is committed)."""
        await publish_event(self.rabbitmq_url, routing_key, event.to_json_bytes())
        if wait:
            await eventually(lambda: self.processed(event))

    async def processed(self, event: CloudEvent) -> bool:
        return bool(
            await self.sql(
                "SELECT 1 FROM processed_events WHERE consumer = :c AND event_id = :e",
                c=self.queue.name,
                e=event.id,
            )
        )


@asynccontextmanager
async def consumer_under_test(
    subscription: EventSubscription, *, database_url: str, rabbitmq_url: str, app_id: str
) -> AsyncIterator[ConsumerUnderTest]:
    """``subscription``'s handler consuming in the background (with the short
    :data:`TEST_RETRY_SCHEDULE`) until the block ends; its queues are deleted afterwards."""
    engine = create_engine(database_url)
    broker = make_broker(rabbitmq_url, app_id=app_id)
    async with (
        own_consumer_queue(rabbitmq_url, subscription.queue) as queue,
        sql_runner(database_url) as sql,
    ):
        subscription(broker, create_session_factory(engine), queue=queue)
        try:
            async with serving_consumers(broker, [queue]):
                yield ConsumerUnderTest(queue, rabbitmq_url, sql)
        finally:
            await engine.dispose()


def consumer_fixture(subscription: EventSubscription, *, app_id: str) -> Any:
    """A pytest fixture (over the service's ``database_url`` and ``rabbitmq_url``) giving
    a :class:`ConsumerUnderTest` for ``subscription``: in a conftest.py,
    ``offering_events = consumer_fixture(subscribe_offering_events, app_id="pricing")``."""

    @pytest.fixture
    async def consumer(database_url: str, rabbitmq_url: str) -> AsyncIterator[ConsumerUnderTest]:
        async with consumer_under_test(
            subscription, database_url=database_url, rabbitmq_url=rabbitmq_url, app_id=app_id
        ) as running:
            yield running

    return consumer


class SnapshotEvents:
    """An aggregate of another service as its snapshot events show it, for tests of their
    consumers (when the owner's code is not at hand): ``event("published",
    lifecycleStatus="PUBLISHED")`` applies the changes to the snapshot, bumps its version and
    returns the event as the owner's outbox would publish it: (routing key, CloudEvent)."""

    def __init__(self, aggregate_type: str, **snapshot: Any) -> None:
        self.aggregate_type = aggregate_type
        self.snapshot: dict[str, Any] = {"id": str(uuid.uuid4()), "version": 0, **snapshot}

    @property
    def id(self) -> str:
        return str(self.snapshot["id"])

    def event(self, action: str, **changes: Any) -> tuple[str, CloudEvent]:
        self.snapshot = {**self.snapshot, **changes, "version": self.snapshot["version"] + 1}
        words = [self.aggregate_type, *action.split("_")]
        event = DomainEvent(
            aggregate_type=self.aggregate_type,
            action=action,
            type="".join(word.capitalize() for word in words),
            aggregate_id=self.id,
            data=dict(self.snapshot),
        )
        cloud_event = cloud_event_from(event, service=self.aggregate_type, correlation_id="test")
        return event.routing_key, cloud_event


@contextmanager
def rabbitmq_app_stopped() -> Iterator[None]:
    """RabbitMQ's application stopped (the node keeps running); always started again."""
    _rabbitmqctl("stop_app")
    try:
        yield
    finally:
        _rabbitmqctl("start_app")
        _rabbitmqctl("await_startup")


@asynccontextmanager
async def migrated_database(service_dir: Path | str, prefix: str = "test") -> AsyncIterator[str]:
    """A throwaway database with a service's Alembic migrations applied (``upgrade head``)."""
    from catalog_chassis.migrations import upgrade_service

    async with throwaway_database(prefix) as database_url:
        await asyncio.to_thread(upgrade_service, service_dir, database_url)
        yield database_url


# What a migration can create in the public schema, each row keyed by its table or object
# name first (see :func:`database_schema`).
SCHEMA_QUERIES = {
    "relations": "SELECT relname::text, relkind::text FROM pg_class"
    " WHERE relnamespace = 'public'::regnamespace"
    " AND relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')",
    "columns": "SELECT table_name::text, column_name::text, data_type::text,"
    " character_maximum_length, is_nullable::text, column_default::text"
    " FROM information_schema.columns WHERE table_schema = 'public'",
    "constraints": "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid)"
    " FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
    "indexes": "SELECT tablename::text, indexname::text, indexdef FROM pg_indexes"
    " WHERE schemaname = 'public'",
    "triggers": "SELECT tgrelid::regclass::text, tgname::text, pg_get_triggerdef(oid)"
    " FROM pg_trigger WHERE NOT tgisinternal",
    "functions": "SELECT proname::text, pg_get_function_identity_arguments(oid), prosrc"
    " FROM pg_proc WHERE pronamespace = 'public'::regnamespace",
    "types": "SELECT typname::text, typtype::text FROM pg_type"
    " WHERE typnamespace = 'public'::regnamespace AND typtype IN ('e', 'd', 'r', 'm')",
}
ALEMBIC_VERSION_TABLE = "alembic_version"

DatabaseSchema = dict[str, list[tuple[Any, ...]]]


async def database_schema(database_url: str) -> DatabaseSchema:
    """The public schema's tables, views, sequences, columns, constraints, indexes, triggers,
    functions and types, as sorted rows per kind: two schemas built alike compare equal."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return {
                kind: sorted(tuple(row) for row in await connection.execute(text(query)))
                for kind, query in SCHEMA_QUERIES.items()
            }
    finally:
        await engine.dispose()


def _without_alembic_version(schema: DatabaseSchema) -> DatabaseSchema:
    return {
        kind: [row for row in rows if row[0] != ALEMBIC_VERSION_TABLE]
        for kind, rows in schema.items()
    }


async def assert_migrations_round_trip(service_dir: Path | str) -> None:
    """On an empty throwaway database: ``upgrade head`` -> ``downgrade base`` -> ``upgrade
    head``. The downgrade must leave nothing but Alembic's own table, and the second upgrade
    must build exactly the schema the first one did."""
    from catalog_chassis.migrations import run_alembic, upgrade_service

    service = Path(service_dir).name
    async with throwaway_database(f"{service}_migrations") as database_url:
        await asyncio.to_thread(upgrade_service, service_dir, database_url)
        first = await database_schema(database_url)
        assert _without_alembic_version(first)["relations"], f"{service}: upgrade made no table"

        await asyncio.to_thread(run_alembic, service_dir, database_url, "downgrade", "base")
        downgraded = _without_alembic_version(await database_schema(database_url))
        left_over = {kind: rows for kind, rows in downgraded.items() if rows}
        assert not left_over, f"{service}: downgrade base left behind {left_over}"

        await asyncio.to_thread(upgrade_service, service_dir, database_url)
        second = await database_schema(database_url)

    changed = {
        kind: {"first upgrade": first[kind], "second upgrade": second[kind]}
        for kind in SCHEMA_QUERIES
        if first[kind] != second[kind]
    }
    assert not changed, f"{service}: upgrading again after the downgrade differs: {changed}"


def assert_models_match_migrations(service_dir: Path | str, database_url: str) -> None:
    """``alembic check`` against a database at ``head``: autogenerate compares the metadata
    the service's ``migrations/env.py`` hands to ``run_migrations`` (its SQLModel tables,
    the chassis tables and any other) with the schema the migrations built. Any difference
    means a model changed without a revision; the message lists Alembic's differences."""
    from catalog_chassis.migrations import MigrationFailed, run_alembic

    try:
        run_alembic(service_dir, database_url, "check")
    except MigrationFailed as failure:
        raise AssertionError(
            f"`alembic check` failed for {failure.service}: its models and its migrations"
            f" disagree (add a revision: `alembic revision --autogenerate`), or the check"
            f" could not run. Alembic said:\n{failure.output}"
        ) from None


class TestTokens:
    """A signing key of the tests' own and a verifier trusting it, for component tests of
    services other than identity: ``create_app(..., token_verifier=tokens.verifier)``."""

    __test__ = False  # not a test class, despite the name

    def __init__(self, *, issuer: str = "catalog-identity", audience: str = "catalog-api") -> None:
        from joserfc.jwk import RSAKey

        from catalog_chassis.auth import TokenVerifier

        self._key = RSAKey.generate_key(2048)
        self._issuer, self._audience = issuer, audience
        public = {**self._key.as_dict(private=False), "kid": self._key.thumbprint(), "alg": "RS256"}

        async def jwks() -> dict[str, Any]:
            return {"keys": [public]}

        self.verifier = TokenVerifier(key_source=jwks, issuer=issuer, audience=audience)

    def token(self, role: str = "ADMIN", *, username: str | None = None, ttl: int = 3600) -> str:
        import time

        from joserfc import jwt

        now = int(time.time())
        claims = {
            "sub": str(uuid.uuid4()),
            "username": username or role.lower(),
            "role": role,
            "iat": now,
            "exp": now + ttl,
            "iss": self._issuer,
            "aud": self._audience,
            "jti": str(uuid.uuid4()),
        }
        header = {"alg": "RS256", "kid": self._key.thumbprint()}
        return jwt.encode(header, claims, self._key)

    def headers(self, role: str = "ADMIN") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role)}"}


@pytest.fixture(scope="session")
def tokens() -> TestTokens:
    return TestTokens()


@pytest.fixture
def admin(tokens: TestTokens) -> dict[str, str]:
    """Request headers with an ADMIN bearer token."""
    return tokens.headers("ADMIN")


@pytest.fixture
def user(tokens: TestTokens) -> dict[str, str]:
    """Request headers with a USER bearer token."""
    return tokens.headers("USER")


# ---------------------------------------------------------------------------------------------
# HTTP


@asynccontextmanager
async def asgi_client(app: FastAPI, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client that calls ``app`` in-process (no server, no lifespan)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as c:
        yield c


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The service's ``app`` in-process, at ``http://<service name>``."""
    async with asgi_client(app, f"http://{app.state.settings.service_name}") as c:
        yield c


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """``response`` is an RFC 9457 problem with ``status`` and the request's correlation id;
    returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status and problem["title"] and problem["type"]
    assert problem["detail"]
    assert problem["correlationId"] == response.headers["x-correlation-id"]
    return problem


def fields_of(problem: dict[str, Any]) -> set[str]:
    """The fields a validation problem names."""
    return {error["field"] for error in problem["errors"]}


# ---------------------------------------------------------------------------------------------
# The process engine


@asynccontextmanager
async def admin_engine() -> AsyncIterator[EngineClient]:
    """The local process engine's REST API, as its admin (CAMUNDA_URL and the admin login
    from the platform's settings)."""
    client = EngineClient(
        platform_setting("CAMUNDA_URL"),
        username=platform_setting("CAMUNDA_ADMIN_USERNAME"),
        password=platform_setting("CAMUNDA_ADMIN_PASSWORD"),
    )
    try:
        yield client
    finally:
        await client.aclose()


def saga_task(topic: str, *, business_key: str = "o1", **variables: Any) -> ExternalTask:
    """An external task of the publication saga as a worker receives it (for unit tests of
    the saga steps); lists travel as JSON text, as the process carries them."""
    return ExternalTask(
        id="t1",
        topic=topic,
        worker_id="w",
        process_instance_id="pi",
        process_definition_key="offering-publication-saga",
        business_key=business_key,
        variables={
            name: json.dumps(value) if isinstance(value, list) else value
            for name, value in variables.items()
        },
    )


# ---------------------------------------------------------------------------------------------
# The publication saga


async def saga_ended(
    client: httpx.AsyncClient, headers: dict[str, str], offering_id: str, within: float = 30.0
) -> dict[str, Any]:
    """The offering (read through ``client``) once its publication saga has ended: no
    longer PUBLISHING. Fails after ``within`` seconds, or at once on an answer other than 200
    or the edge's 429 (many pollers from one address meet its per-client rate limit: they
    slow down and ask again)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        response = await client.get(f"/api/v1/offerings/{offering_id}", headers=headers)
        if response.status_code == 429:
            body: dict[str, Any] = {"status": 429}
            delay = 0.5
        else:
            assert response.status_code == 200, response.text
            body = response.json()
            if body.get("lifecycleStatus") != "PUBLISHING":
                return body
            delay = 0.1
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still PUBLISHING after {within}s: {body}")
        await asyncio.sleep(delay)


# ---------------------------------------------------------------------------------------------
# In-memory fakes for fast use-case tests (no infrastructure)


class InMemoryUnitOfWork:
    """A fake unit of work: fake repositories stage their writes; ``commit`` collects the
    tracked aggregates' events, then applies the writes. Without a commit nothing changes."""

    def __init__(self) -> None:
        self.staged: list[Callable[[], None]] = []
        self.tracked: list[Any] = []
        self.events: list[Any] = []
        self.commits = 0

    async def read_only(self) -> None:
        """Reads only: the fake has no transaction to skip."""

    def track(self, aggregate: Any) -> Any:
        self.tracked.append(aggregate)
        return aggregate

    def stage(self, write: Callable[[], None]) -> None:
        self.staged.append(write)

    async def __aenter__(self) -> Any:
        self.staged, self.tracked = [], []
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.staged = []

    async def commit(self) -> None:
        # Events first: the copies the writes store then carry none into later loads.
        for aggregate in self.tracked:
            self.events.extend(aggregate.collect_events())
        for write in self.staged:
            write()
        self.staged = []
        self.commits += 1


class InMemoryAggregates:
    """A fake repository of versioned aggregates with a unique, case-insensitive ``name``:
    ``get``, ``add``, ``save`` and ``remove`` as the SQL repositories behave (loads are
    copies; a stale ``expected_version`` raises PreconditionFailed; a taken name is a
    Conflict, as their unique index makes it). Services
    subclass it to add ``list`` and anything of their own."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow
        self.rows: dict[Any, Any] = {}

    async def get(self, aggregate_id: Any, **_: Any) -> Any:
        found = self.rows.get(aggregate_id)
        return self._uow.track(copy.deepcopy(found)) if found is not None else None

    RESOURCE = "resource"

    def name_taken(self, name: str, *, excluding: Any = None) -> bool:
        return any(
            name_key(row.name) == name_key(name) and row.id != excluding
            for row in self.rows.values()
        )

    async def add(self, aggregate: Any) -> None:
        self._require_free_name(aggregate)
        self._uow.track(aggregate)
        self._uow.stage(lambda: self._store(aggregate))

    async def save(self, aggregate: Any, *, expected_version: int) -> None:
        self._require_version(aggregate, expected_version)
        self._require_free_name(aggregate)
        self._uow.stage(lambda: self._store(aggregate))

    def _require_free_name(self, aggregate: Any) -> None:
        # As the SQL repositories' unique index on name_key refuses a taken name.
        if self.name_taken(aggregate.name, excluding=aggregate.id):
            raise Conflict(f"A {self.RESOURCE} named '{aggregate.name}' already exists.")

    async def remove(self, aggregate: Any, *, expected_version: int) -> None:
        self._require_version(aggregate, expected_version)
        self._uow.stage(lambda: self.rows.pop(aggregate.id))

    def _store(self, aggregate: Any) -> None:
        self.rows[aggregate.id] = copy.deepcopy(aggregate)

    def _require_version(self, aggregate: Any, expected_version: int) -> None:
        if self.rows[aggregate.id].version != expected_version:
            raise PreconditionFailed("stale")


class InMemoryReferenceUsages:
    """A fake :class:`catalog_chassis.usages.ReferenceUsages`. It applies writes at once: the
    SQL adapter's record and release are atomic too."""

    def __init__(self) -> None:
        self.versions: dict[uuid.UUID, int] = {}
        self.by_referrer: dict[uuid.UUID, ReferrerUsage] = {}

    async def referrers_of(self, referenced_id: uuid.UUID) -> list[Referrer]:
        using = [u.referrer for u in self.by_referrer.values() if referenced_id in u.referenced_ids]
        return sorted(using, key=lambda referrer: (referrer.name, str(referrer.id)))

    async def record(self, usage: ReferrerUsage) -> bool:
        if not self._advance(usage.referrer.id, usage.version):
            return False
        self.by_referrer[usage.referrer.id] = usage
        return True

    async def release(self, referrer_id: uuid.UUID, *, version: int) -> bool:
        if not self._advance(referrer_id, version):
            return False
        self.by_referrer.pop(referrer_id, None)
        return True

    def _advance(self, referrer_id: uuid.UUID, version: int) -> bool:
        if self.versions.get(referrer_id, 0) >= version:
            return False
        self.versions[referrer_id] = version
        return True


class InMemoryReferenceCache:
    """A fake ``ReferenceCache``: newest version wins, tombstones are final; writes apply at
    once (the SQL adapter's store and forget are single statements)."""

    def __init__(self) -> None:
        self.cached: dict[Any, Any] = {}
        self.tombstones: dict[Any, int] = {}

    async def known(self, ids: Any) -> set[Any]:
        return {i for i in ids if i in self.cached}

    async def removed(self, ids: Any) -> set[Any]:
        return {i for i in ids if i in self.tombstones}

    async def store(self, item: Any) -> bool:
        current = self.cached.get(item.id)
        if item.id in self.tombstones or (current is not None and current.version >= item.version):
            return False
        self.cached[item.id] = item
        return True

    async def forget(self, item_id: Any, *, version: int) -> None:
        self.tombstones[item_id] = max(version, self.tombstones.get(item_id, 0))
        self.cached.pop(item_id, None)


class InMemoryDirectory:
    """A fake ``ReferenceDirectory``: ``items`` exist; ``down`` makes every lookup a
    ServiceUnavailable; ``asked`` records the ids looked up."""

    def __init__(self) -> None:
        self.items: dict[Any, Any] = {}
        self.down = False
        self.asked: list[Any] = []

    async def find(self, item_id: Any, *, credentials: str | None) -> Any:
        self.asked.append(item_id)
        if self.down:
            raise ServiceUnavailable("the owner is down")
        return self.items.get(item_id)


def free_port() -> int:
    """A loopback port nobody listens on (at the moment of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def serving_app(application: Any) -> AsyncIterator[str]:
    """Serve an ASGI app with uvicorn in this event loop on a free loopback port, for tests
    whose service must reach another one over real HTTP; yields its base URL."""
    import uvicorn  # a test-only dependency of the services' test suites

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()  # re-raises why it could not start
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 30)


class TcpProxy:
    """A TCP forwarder from a free loopback port to ``host:port``, to take a dependency away
    from one client under test without stopping it for everyone: :meth:`cut` stops listening
    and drops every open connection (new ones are refused, as by a server that is down),
    :meth:`restore` listens again on the same port. Use it as an async context manager."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.target_port = host, port
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._pumps: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> TcpProxy:
        await self.restore()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.cut()

    async def restore(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()
        for pump in list(self._pumps):
            pump.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)

    async def _accept(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        try:
            target_in, target_out = await asyncio.open_connection(self.host, self.target_port)
        except OSError:
            client_out.transport.abort()
            return
        self._open.update((client_out, target_out))
        for reader, writer in ((client_in, target_out), (target_in, client_out)):
            pump = asyncio.create_task(self._pump(reader, writer))
            self._pumps.add(pump)
            pump.add_done_callback(self._pumps.discard)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            self._open.discard(writer)
            writer.transport.abort()
