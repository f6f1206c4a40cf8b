"""Alembic support shared by every service.

* :func:`run_migrations` is the whole body of a service's ``migrations/env.py``.
* ``create_*_table(op)`` / ``drop_*_table(op)`` put the chassis tables (outbox with its
  NOTIFY trigger, processed_events, idempotency_keys) into a service's first revision.
* :func:`upgrade_service` is what the platform's "migrate every service" step calls.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import asyncpg
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from catalog_chassis.db import (
    IDEMPOTENCY_KEYS_EXPIRY_INDEX,
    IDEMPOTENCY_KEYS_TABLE,
    OUTBOX_CHANNEL,
    OUTBOX_PENDING_INDEX,
    OUTBOX_RELAY_ACTIVE_LOCK,
    OUTBOX_TABLE,
    PROCESSED_EVENTS_TABLE,
    OutboxStatus,
    asyncpg_url,
    idempotency_keys_schema_items,
    outbox_schema_items,
    processed_events_schema_items,
)

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

DATABASE_URL_ENV = "DATABASE_URL"
# Seconds a migration keeps trying to reach its database before it fails (a database that is
# restarting, or not yet ready, is waited for instead of failing the Job's attempt).
CONNECT_WINDOW_ENV = "MIGRATION_CONNECT_WINDOW_SECONDS"
DEFAULT_CONNECT_WINDOW = 60.0
CONNECT_RETRY_PAUSE = 2.0

OUTBOX_NOTIFY_FUNCTION = "catalog_outbox_notify"
OUTBOX_NOTIFY_TRIGGER = "outbox_notify"

# One notification per inserting statement, not per row, and only while no relay is busy.
#
# A NOTIFY makes its transaction take a database-wide lock at commit and hold it through the
# commit's WAL flush, so transactions that notify commit one after the other (measured: a
# create-shaped transaction at 533 tps with the notification, 1 586 without). A relay that is
# busy relaying polls on its own and holds OUTBOX_RELAY_ACTIVE_LOCK meanwhile; the trigger
# probes that lock (a shared try-lock released at once, microseconds, never waits) and only
# notifies a relay that is waiting for work. Under load no writer notifies; an idle relay
# is woken within milliseconds; if every relay is gone writers notify again (the lock dies
# with the relay's connection).
_NOTIFY_WHILE_RELAY_IDLE = f"""
    CREATE OR REPLACE FUNCTION {OUTBOX_NOTIFY_FUNCTION}() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF pg_try_advisory_lock_shared({OUTBOX_RELAY_ACTIVE_LOCK}) THEN
            PERFORM pg_advisory_unlock_shared({OUTBOX_RELAY_ACTIVE_LOCK});
            PERFORM pg_notify('{OUTBOX_CHANNEL}', TG_TABLE_NAME);
        END IF;
        RETURN NULL;
    END
    $$
    """
# The first revisions' function: a notification on every inserting statement.
OUTBOX_NOTIFY_EVERY_WRITE = f"""
    CREATE OR REPLACE FUNCTION {OUTBOX_NOTIFY_FUNCTION}() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('{OUTBOX_CHANNEL}', TG_TABLE_NAME);
        RETURN NULL;
    END
    $$
    """
_NOTIFY_TRIGGER = f"""
    CREATE TRIGGER {OUTBOX_NOTIFY_TRIGGER}
    AFTER INSERT ON {OUTBOX_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {OUTBOX_NOTIFY_FUNCTION}()
    """
# The trigger as the newest revisions leave it (for schemas made without Alembic, in tests).
OUTBOX_NOTIFY_DDL = (_NOTIFY_WHILE_RELAY_IDLE, _NOTIFY_TRIGGER)
OUTBOX_NOTIFY_DROP_DDL = (
    f"DROP TRIGGER IF EXISTS {OUTBOX_NOTIFY_TRIGGER} ON {OUTBOX_TABLE}",
    f"DROP FUNCTION IF EXISTS {OUTBOX_NOTIFY_FUNCTION}()",
)


class Operations(Protocol):
    """The part of ``alembic.op`` the helpers use (typed, so services pass ``op`` itself)."""

    def create_table(self, table_name: str, *columns: Any, **kw: Any) -> Any: ...
    def drop_table(self, table_name: str, **kw: Any) -> None: ...
    def create_index(
        self, index_name: str, table_name: str, columns: Sequence[Any], **kw: Any
    ) -> Any: ...
    def drop_index(self, index_name: str, **kw: Any) -> None: ...
    def execute(self, sqltext: Any, **kw: Any) -> Any: ...


def create_outbox_table(op: Operations) -> None:
    op.create_table(OUTBOX_TABLE, *outbox_schema_items())
    op.create_index(
        OUTBOX_PENDING_INDEX,
        OUTBOX_TABLE,
        ["created_at"],
        postgresql_where=text(f"status = '{OutboxStatus.PENDING}'"),
    )
    # As the services' first revisions made it: later revisions upgrade it in place.
    op.execute(OUTBOX_NOTIFY_EVERY_WRITE)
    op.execute(_NOTIFY_TRIGGER)


def notify_only_idle_relays(op: Operations) -> None:
    """Upgrade a database whose outbox trigger notifies on every write (see above)."""
    op.execute(_NOTIFY_WHILE_RELAY_IDLE)


def notify_on_every_write(op: Operations) -> None:
    """The downgrade of :func:`notify_only_idle_relays`."""
    op.execute(OUTBOX_NOTIFY_EVERY_WRITE)


def drop_outbox_table(op: Operations) -> None:
    for statement in OUTBOX_NOTIFY_DROP_DDL:
        op.execute(statement)
    op.drop_index(OUTBOX_PENDING_INDEX, table_name=OUTBOX_TABLE)
    op.drop_table(OUTBOX_TABLE)


def create_processed_events_table(op: Operations) -> None:
    op.create_table(PROCESSED_EVENTS_TABLE, *processed_events_schema_items())


def drop_processed_events_table(op: Operations) -> None:
    op.drop_table(PROCESSED_EVENTS_TABLE)


def create_idempotency_keys_table(op: Operations) -> None:
    op.create_table(IDEMPOTENCY_KEYS_TABLE, *idempotency_keys_schema_items())
    op.create_index(IDEMPOTENCY_KEYS_EXPIRY_INDEX, IDEMPOTENCY_KEYS_TABLE, ["expires_at"])


def drop_idempotency_keys_table(op: Operations) -> None:
    op.drop_index(IDEMPOTENCY_KEYS_EXPIRY_INDEX, table_name=IDEMPOTENCY_KEYS_TABLE)
    op.drop_table(IDEMPOTENCY_KEYS_TABLE)


def create_chassis_tables(op: Operations) -> None:
    create_outbox_table(op)
    create_processed_events_table(op)
    create_idempotency_keys_table(op)


def drop_chassis_tables(op: Operations) -> None:
    drop_idempotency_keys_table(op)
    drop_processed_events_table(op)
    drop_outbox_table(op)


# ---------------------------------------------------------------------------------------------
# env.py


def migration_database_url(configured: str | None = None) -> str:
    """``DATABASE_URL`` from the environment wins over ``sqlalchemy.url`` in alembic.ini."""
    url = os.environ.get(DATABASE_URL_ENV) or configured
    if not url:
        raise RuntimeError(f"set {DATABASE_URL_ENV} (postgresql+asyncpg://...) to run migrations")
    return asyncpg_url(url)


def run_migrations(target_metadata: MetaData | Sequence[MetaData] | None) -> None:
    """Run the migrations Alembic asked for; call it from a service's ``migrations/env.py``.

    Offline mode (``alembic upgrade head --sql``) renders SQL; online mode runs the
    revisions through asyncpg, each in a transaction.
    """
    from alembic import context  # only importable while Alembic runs env.py

    database_url = migration_database_url(context.config.get_main_option("sqlalchemy.url"))
    options: dict[str, Any] = {
        "target_metadata": target_metadata,
        "compare_type": True,
        "compare_server_default": True,
    }
    if context.is_offline_mode():
        context.configure(
            url=database_url,
            literal_binds=True,
            dialect_opts={"paramstyle": "named"},
            **options,
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    def run_sync(connection: Connection) -> None:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()

    async def run_online() -> None:
        # NullPool: a migration run is one short-lived connection.
        engine = create_async_engine(database_url, poolclass=pool.NullPool)
        try:
            connection = await connect_within(engine.connect, connect_window())
            try:
                await connection.run_sync(run_sync)
            finally:
                await connection.close()
        finally:
            await engine.dispose()

    asyncio.run(run_online())


def connect_window() -> float:
    raw = os.environ.get(CONNECT_WINDOW_ENV, "")
    try:
        window = float(raw) if raw else DEFAULT_CONNECT_WINDOW
    except ValueError:
        message = f"{CONNECT_WINDOW_ENV} must be a number of seconds, not {raw!r}"
        raise RuntimeError(message) from None
    return max(window, 0.0)


async def connect_within(
    connect: Callable[[], Awaitable[_T]],
    window: float,
    *,
    pause: float = CONNECT_RETRY_PAUSE,
    clock: Callable[[], float] = time.monotonic,
) -> _T:
    """``connect()``, tried again every ``pause`` seconds while the database cannot be reached
    (refused, unroutable, not accepting connections yet), until ``window`` seconds have passed.
    Anything else (a wrong password, a missing database) fails at once."""
    deadline = clock() + window
    while True:
        try:
            return await connect()
        except (OSError, OperationalError, InterfaceError) as error:
            if not _unreachable(error) or clock() + pause > deadline:
                raise
            logger.warning("database not reachable (%s); trying again in %.0fs", error, pause)
            await asyncio.sleep(pause)


def _unreachable(error: BaseException) -> bool:
    """A network failure, or a server that is starting or shutting down (SQLAlchemy wraps
    asyncpg's errors: the chain is followed through ``__cause__`` and ``orig``)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, _UNREACHABLE):
            return True
        cause = cause.__cause__ or getattr(cause, "orig", None)
    return False


# Refused or unroutable, and asyncpg's "not accepting connections right now".
_UNREACHABLE = (OSError, asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError)


# ---------------------------------------------------------------------------------------------
# the platform's migrate step


def upgrade_service(
    service_dir: Path | str,
    database_url: str,
    *,
    revision: str = "head",
    extra_env: Mapping[str, str] | None = None,
    timeout: float = 300.0,
) -> None:
    """Run ``alembic upgrade <revision>`` for the service in ``service_dir``."""
    run_alembic(
        service_dir, database_url, "upgrade", revision, extra_env=extra_env, timeout=timeout
    )


def run_alembic(
    service_dir: Path | str,
    database_url: str,
    *arguments: str,
    extra_env: Mapping[str, str] | None = None,
    timeout: float = 300.0,
) -> str:
    """Run an Alembic command for the service in ``service_dir``; returns its output.

    A child process, not Alembic's API in-process: env.py starts its own event loop, and each
    service's migrations must import that service's code, not the caller's.
    """
    directory = Path(service_dir)
    if not (directory / "alembic.ini").is_file():
        raise FileNotFoundError(f"{directory} has no alembic.ini")
    env = {**os.environ, **(extra_env or {}), DATABASE_URL_ENV: database_url}
    logger.info("alembic %s for %s", " ".join(arguments), directory.name)
    # The arguments are our own: the interpreter running us and Alembic's command line.
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "alembic", *arguments],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise MigrationFailed(directory.name, output)
    return output


class MigrationFailed(RuntimeError):
    def __init__(self, service: str, output: str) -> None:
        super().__init__(f"migrating {service} failed:\n{output}")
        self.service = service
        self.output = output
