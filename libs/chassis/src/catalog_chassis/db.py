"""Database access shared by every service: the async engine, sessions and the chassis tables.

The chassis owns three tables that every service database carries next to its own ones:
``outbox`` (events waiting for the relay), ``processed_events`` (idempotent consumers) and
``idempotency_keys`` (replayed POST responses). Their columns are built by factory functions
so that the Alembic op helpers in :mod:`catalog_chassis.migrations` create exactly the
tables declared here (constraint names are spelled out for the same reason).
"""

from __future__ import annotations

import asyncio
import weakref
from datetime import timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Delete,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    bindparam,
    delete,
    func,
    text,
)
from sqlalchemy import exc as sqlalchemy_exc
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.engine.interfaces import BindTyping
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.schema import SchemaItem
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement, TextClause, conv

from catalog_chassis.settings import ServiceSettings

# Constraint names are stable across autogenerate runs only with a naming convention.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

chassis_metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _rename_query_key(url: URL, old: str, new: str) -> URL:
    if old not in url.query:
        return url
    query = dict(url.query)
    query[new] = query.pop(old)
    return url.set(query=query)


def asyncpg_url(database_url: str) -> str:
    """The SQLAlchemy URL with the asyncpg driver, whatever flavour of postgres URL was given.

    libpq's ``sslmode`` (what operators and most tools write) becomes the ``ssl`` argument
    SQLAlchemy's asyncpg dialect expects, so ``?sslmode=require`` works in DATABASE_URL.
    """
    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+asyncpg")
    url = _rename_query_key(url, "sslmode", "ssl")
    return url.render_as_string(hide_password=False)


def libpq_dsn(database_url: str) -> str:
    """A plain ``postgresql://`` DSN for direct asyncpg connections (LISTEN, admin work).

    asyncpg's DSN parser knows libpq's ``sslmode``, not SQLAlchemy's ``ssl``."""
    url = _rename_query_key(make_url(database_url), "ssl", "sslmode")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def create_engine(
    database_url: str,
    *,
    application_name: str | None = None,
    pool_size: int = 15,
    max_overflow: int = 0,
    pool_timeout: float = 10.0,
    echo: bool = False,
) -> AsyncEngine:
    """An asyncpg engine with a bounded pool.

    No ``pool_pre_ping``: it cost a round trip on every checkout, i.e. on every request. A
    connection the server dropped (a restart, a failover) fails the one statement that meets
    it; SQLAlchemy then invalidates every connection of the pool older than that moment, and
    the request answers 503 with Retry-After (problems.DATABASE_UNAVAILABLE), so the client's
    retry and every later request get fresh connections. ``pool_timeout`` is short so an
    exhausted pool turns into a fast 503 rather than a hung request; ``pool_recycle`` keeps
    connections younger than typical proxy idle limits. No overflow: at saturation overflow
    connections were opened and closed again all the time (each new one without prepared
    statements), and the requests that met them starved — p99 1.2 s at 64 clients against
    0.48 s with a fixed pool of the same 15 (bench/api_vs_baseline.py).
    """
    server_settings = {"application_name": application_name} if application_name else {}
    engine = create_async_engine(
        asyncpg_url(database_url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=1800,
        echo=echo,
        connect_args={"server_settings": server_settings},
    )
    _ADMISSIONS[engine.sync_engine] = Admission(pool_size + max_overflow, pool_timeout)
    return engine


class Admission:
    """First come, first served entry to an engine's pool, one place per connection.

    The pool's own queue is not fair under load: a waiter woken for a returned connection can
    lose it to a request that just arrived, go back to the end of the line and lose again
    (seen as p99 1.2-1.4 s against a p50 of 120 ms at 64 clients on one process). Units of
    work pass here first (asyncio's semaphore hands a released place to the longest waiter),
    so the pool itself is never contended. Waiting longer than the pool would is the pool's
    timeout (a 503).
    """

    def __init__(self, places: int, timeout: float) -> None:
        self._places = asyncio.Semaphore(places)
        self._timeout = timeout

    async def enter(self) -> None:
        try:
            async with asyncio.timeout(self._timeout):
                await self._places.acquire()
        except TimeoutError:
            raise sqlalchemy_exc.TimeoutError(
                f"no database connection within {self._timeout:.0f} s"
            ) from None

    def leave(self) -> None:
        self._places.release()


_ADMISSIONS: weakref.WeakKeyDictionary[Engine, Admission] = weakref.WeakKeyDictionary()


def admission(sessions: async_sessionmaker[AsyncSession]) -> Admission | None:
    """The admission of the engine ``sessions`` are bound to (None: not made by create_engine)."""
    bind = sessions.kw.get("bind")
    return _ADMISSIONS.get(bind.sync_engine) if isinstance(bind, AsyncEngine) else None


def required_database_url(settings: ServiceSettings, *, role: str = "") -> str:
    """``settings.database_url``, or RuntimeError saying which process needed it."""
    if settings.database_url is None:
        needed_by = f" by the {role}" if role else ""
        raise RuntimeError(f"{settings.service_name}: DATABASE_URL is required{needed_by}")
    return settings.database_url.get_secret_value()


def database_engine(settings: ServiceSettings, *, role: str = "") -> AsyncEngine:
    """The engine of one of a service's processes. Its connections are named after the
    service and ``role`` ("relay", "consumers"; none for the API), so that
    ``pg_stat_activity`` tells the processes apart."""
    database_url = required_database_url(settings, role=role)
    name = f"{settings.service_name}-{role}" if role else settings.service_name
    return create_engine(database_url, application_name=name)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: aggregates stay readable after commit to build responses.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


def compiled_once(statement: ClauseElement) -> TextClause:
    """``statement`` as SQL text, which SQLAlchemy compiles once and caches.

    SQLAlchemy never caches the compilation of PostgreSQL's ``INSERT … ON CONFLICT``: its
    ``Insert`` opts out of the compiled cache (``inherit_cache = False``, as its ON CONFLICT
    clause is not part of the cache key), so a prebuilt upsert was compiled again on every
    execution, ~10 % of an event consumer's CPU. Compiled here once with the PostgreSQL
    dialect, its bind parameters keep their types and any literal value as their default.
    For statements built once (module level or a cached property), never per call.
    """
    dialect = PGDialect(paramstyle="named")  # type: ignore[no-untyped-call]  # untyped in 2.0
    # No casts on the parameters: the executing dialect renders its own for their types.
    dialect.bind_typing = BindTyping.NONE
    compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
    binds = []
    values = compiled.params
    for bind, name in compiled.bind_names.items():
        if bind.expanding:
            raise ValueError(f"compiled_once cannot keep the expanding parameter {name!r}")
        if bind.required:
            binds.append(bindparam(name, type_=bind.type))
        else:
            binds.append(bindparam(name, value=values[name], type_=bind.type))
    # text() reads `:name` as a parameter: a `::TYPE` cast in the SQL is two escaped colons.
    return text(str(compiled).replace("::", "\\:\\:")).bindparams(*binds)


def _timestamp(name: str, *, default: str | None = None, nullable: bool = False) -> Column[Any]:
    server_default = text(default) if default is not None else None
    return Column(name, DateTime(timezone=True), nullable=nullable, server_default=server_default)


# ---------------------------------------------------------------------------------------------
# outbox


class OutboxStatus(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"


OUTBOX_TABLE = "outbox"
# The NOTIFY channel of the outbox trigger, which the relay LISTENs on.
OUTBOX_CHANNEL = "catalog_outbox"
# While a relay is busy relaying it holds this advisory lock (per database) and writers do
# not NOTIFY: a NOTIFY takes a lock every notifying commit holds through its WAL flush, so
# notifying on every write would serialize all writers (see the outbox trigger).
OUTBOX_RELAY_ACTIVE_LOCK = 0x636174616C6F67  # "catalog"
OUTBOX_PENDING_INDEX = "ix_outbox_pending"


def outbox_schema_items() -> list[SchemaItem]:
    """Columns and constraints of ``outbox``: fresh objects on each call (Table and Alembic)."""
    statuses = ", ".join(f"'{s}'" for s in OutboxStatus)
    return [
        Column("id", Uuid, nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("aggregate_type", String(100), nullable=False),
        Column("aggregate_id", String(100), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("routing_key", String(255), nullable=False),
        # The complete structured CloudEvent, published as the message body.
        Column("payload", JSONB, nullable=False),
        # Trace context (traceparent, tracestate, b3) captured when the change was made.
        Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column(
            "status",
            String(16),
            nullable=False,
            server_default=text(f"'{OutboxStatus.PENDING}'"),
        ),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text, nullable=True),
        # clock_timestamp(), not now(): rows written in one transaction keep their order.
        _timestamp("created_at", default="clock_timestamp()"),
        _timestamp("available_at", default="clock_timestamp()"),
        _timestamp("sent_at", nullable=True),
        PrimaryKeyConstraint("id", name=conv("pk_outbox")),
        UniqueConstraint("event_id", name=conv("uq_outbox_event_id")),
        CheckConstraint(f"status IN ({statuses})", name=conv("ck_outbox_status")),
    ]


outbox_table = Table(OUTBOX_TABLE, chassis_metadata, *outbox_schema_items())

# Partial index: the relay only ever scans pending rows, which stay few while SENT rows grow.
Index(
    OUTBOX_PENDING_INDEX,
    outbox_table.c.created_at,
    postgresql_where=outbox_table.c.status == OutboxStatus.PENDING.value,
)


# ---------------------------------------------------------------------------------------------
# processed events (idempotent consumers)

PROCESSED_EVENTS_TABLE = "processed_events"


def processed_events_schema_items() -> list[SchemaItem]:
    return [
        Column("consumer", String(200), nullable=False),
        Column("event_id", Uuid, nullable=False),
        _timestamp("processed_at", default="now()"),
        PrimaryKeyConstraint("consumer", "event_id", name=conv("pk_processed_events")),
    ]


processed_events_table = Table(
    PROCESSED_EVENTS_TABLE, chassis_metadata, *processed_events_schema_items()
)


# ---------------------------------------------------------------------------------------------
# idempotency keys (replayed POST responses)

IDEMPOTENCY_KEYS_TABLE = "idempotency_keys"
IDEMPOTENCY_KEYS_EXPIRY_INDEX = "ix_idempotency_keys_expires_at"


def idempotency_keys_schema_items() -> list[SchemaItem]:
    return [
        Column("key", String(255), nullable=False),
        # method + path (+ caller): the same key sent to another endpoint is another request.
        Column("scope", String(600), nullable=False),
        Column("fingerprint", String(64), nullable=False),
        # NULL while the first request is still being processed.
        Column("status_code", SmallInteger, nullable=True),
        Column("response_headers", JSONB, nullable=True),
        Column("response_body", LargeBinary, nullable=True),
        _timestamp("created_at", default="now()"),
        _timestamp("expires_at"),
        PrimaryKeyConstraint("scope", "key", name=conv("pk_idempotency_keys")),
    ]


idempotency_keys_table = Table(
    IDEMPOTENCY_KEYS_TABLE, chassis_metadata, *idempotency_keys_schema_items()
)


def purge_processed_events(retention: timedelta) -> Delete:
    """Forget the events processed longer ago than ``retention`` (relay housekeeping). A
    duplicate comes within minutes (a redelivery, a relay retry, the retry schedule); order
    is guarded by versions, not by these rows, so a week's memory is plenty."""
    table = processed_events_table
    return delete(table).where(table.c.processed_at < func.now() - retention)


def purge_expired_idempotency_keys() -> Delete:
    """Delete the replayable responses whose keys have expired (relay housekeeping)."""
    table = idempotency_keys_table
    return delete(table).where(table.c.expires_at <= func.now())


Index(IDEMPOTENCY_KEYS_EXPIRY_INDEX, idempotency_keys_table.c.expires_at)
