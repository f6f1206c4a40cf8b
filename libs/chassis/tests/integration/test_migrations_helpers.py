"""A service's Alembic setup built from the chassis helpers migrates a real database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from catalog_chassis.db import (
    OUTBOX_RELAY_ACTIVE_LOCK,
    chassis_metadata,
    create_engine,
    libpq_dsn,
)
from catalog_chassis.migrations import (
    CONNECT_WINDOW_ENV,
    MigrationFailed,
    run_alembic,
    upgrade_service,
)
from catalog_testing import (
    assert_migrations_round_trip,
    assert_models_match_migrations,
    migrated_database,
    throwaway_database,
)

pytestmark = pytest.mark.integration


async def tables_and_triggers(database_url: str) -> tuple[set[str], set[str]]:
    connection = await asyncpg.connect(libpq_dsn(database_url))
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )
        triggers = await connection.fetch("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    finally:
        await connection.close()
    return {r["tablename"] for r in tables}, {r["tgname"] for r in triggers}


async def test_upgrade_creates_the_chassis_tables_and_the_outbox_trigger(
    service_dir: Path,
) -> None:
    async with throwaway_database("migrations") as database_url:
        upgrade_service(service_dir, database_url)
        tables, triggers = await tables_and_triggers(database_url)

        connection = await asyncpg.connect(libpq_dsn(database_url))
        try:
            notified: list[str] = []
            await connection.add_listener("catalog_outbox", lambda *args: notified.append(args[3]))
            await connection.execute(
                "INSERT INTO outbox (id, event_id, aggregate_type, aggregate_id, event_type,"
                " routing_key, payload) VALUES (gen_random_uuid(), gen_random_uuid(), 'widget',"
                " 'w-1', 'WidgetCreated', 'widget.created', '{}')"
            )
            await connection.execute("SELECT 1")  # lets the notification arrive
        finally:
            await connection.close()

        run_alembic(service_dir, database_url, "downgrade", "base")
        tables_after_downgrade, _ = await tables_and_triggers(database_url)

    assert {"outbox", "processed_events", "idempotency_keys", "alembic_version"} <= tables
    assert "outbox_notify" in triggers
    assert notified == ["outbox"]
    assert tables_after_downgrade == {"alembic_version"}


async def test_the_migrated_schema_matches_the_chassis_metadata(service_dir: Path) -> None:
    async with throwaway_database("migrations") as database_url:
        upgrade_service(service_dir, database_url)
        engine = create_engine(database_url)
        try:
            async with engine.connect() as connection:
                differences = await connection.run_sync(
                    lambda sync: compare_metadata(
                        MigrationContext.configure(
                            sync, opts={"compare_type": True, "compare_server_default": True}
                        ),
                        chassis_metadata,
                    )
                )
        finally:
            await engine.dispose()

    # Autogenerate in a service would otherwise propose changes to the chassis tables.
    unrelated = [d for d in differences if "alembic_version" not in str(d)]
    assert unrelated == []


def test_offline_mode_renders_the_sql(service_dir: Path) -> None:
    rendered = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head", "--sql"],
        cwd=service_dir,
        env={"DATABASE_URL": "postgresql+asyncpg://someone@db.invalid/svc", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "CREATE TABLE outbox" in rendered
    assert "CREATE TRIGGER outbox_notify" in rendered
    assert "CREATE TABLE processed_events" in rendered
    assert "CREATE TABLE idempotency_keys" in rendered


def test_a_failing_migration_reports_the_alembic_output(service_dir: Path) -> None:
    with pytest.raises(MigrationFailed) as failure:
        upgrade_service(
            service_dir,
            "postgresql+asyncpg://nobody:wrong@127.0.0.1:1/none",
            extra_env={CONNECT_WINDOW_ENV: "0"},
        )

    assert failure.value.service == service_dir.name
    assert "Error" in failure.value.output or "refused" in failure.value.output


# --- the quality gates' helpers in catalog_testing -----------------------------------

LEAKY_REVISION = '''\
"""a table the downgrade forgets"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("gadgets", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    pass
'''

ENV_PY_WITH_A_MODEL = """\
import sqlalchemy as sa

from catalog_chassis.db import chassis_metadata
from catalog_chassis.migrations import run_migrations

models = sa.MetaData()
sa.Table("gadgets", models, sa.Column("id", sa.Integer(), primary_key=True))

run_migrations([chassis_metadata, models])
"""


async def test_the_round_trip_passes_for_migrations_that_undo_themselves(
    service_dir: Path,
) -> None:
    await assert_migrations_round_trip(service_dir)


async def test_the_round_trip_fails_when_a_downgrade_leaves_a_table_behind(
    service_dir: Path,
) -> None:
    (service_dir / "migrations" / "versions" / "0002_gadgets.py").write_text(LEAKY_REVISION)

    with pytest.raises(AssertionError, match="downgrade base left behind") as failure:
        await assert_migrations_round_trip(service_dir)

    assert "gadgets" in str(failure.value)


async def test_alembic_check_passes_when_the_models_match_the_migrations(
    service_dir: Path,
) -> None:
    async with migrated_database(service_dir, prefix="migrations") as database_url:
        assert_models_match_migrations(service_dir, database_url)


async def test_alembic_check_fails_on_a_model_without_a_migration(service_dir: Path) -> None:
    (service_dir / "migrations" / "env.py").write_text(ENV_PY_WITH_A_MODEL)

    async with migrated_database(service_dir, prefix="migrations") as database_url:
        with pytest.raises(AssertionError, match="models and its migrations disagree") as failure:
            assert_models_match_migrations(service_dir, database_url)

    assert "add_table" in str(failure.value) and "gadgets" in str(failure.value)


QUIET_REVISION = '''\
"""the outbox trigger notifies only idle relays"""
from alembic import op

from catalog_chassis.migrations import notify_on_every_write, notify_only_idle_relays

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    notify_only_idle_relays(op)


def downgrade() -> None:
    notify_on_every_write(op)
'''


async def notified_while_a_relay_is_busy(database_url: str) -> bool:
    """Whether an outbox insert notifies while another session holds the relay-active lock."""
    relay = await asyncpg.connect(libpq_dsn(database_url))
    writer = await asyncpg.connect(libpq_dsn(database_url))
    try:
        assert await relay.fetchval("SELECT pg_try_advisory_lock($1)", OUTBOX_RELAY_ACTIVE_LOCK)
        notified: list[str] = []
        await relay.add_listener("catalog_outbox", lambda *args: notified.append(args[3]))
        await writer.execute(
            "INSERT INTO outbox (id, event_id, aggregate_type, aggregate_id, event_type,"
            " routing_key, payload) VALUES (gen_random_uuid(), gen_random_uuid(), 'widget',"
            " 'w-1', 'WidgetCreated', 'widget.created', '{}')"
        )
        await writer.execute("NOTIFY catalog_outbox, 'marker'")  # arrives after the insert's
        for _ in range(100):
            if "marker" in notified:
                break
            await relay.execute("SELECT 1")  # lets notifications arrive
        assert notified[-1] == "marker"
        return "outbox" in notified
    finally:
        await writer.close()
        await relay.close()


async def test_the_upgraded_outbox_trigger_does_not_notify_while_a_relay_is_busy(
    service_dir: Path,
) -> None:
    (service_dir / "migrations" / "versions" / "0002_quiet.py").write_text(QUIET_REVISION)
    async with throwaway_database("migrations") as database_url:
        upgrade_service(service_dir, database_url, revision="0001")
        first_revision = await notified_while_a_relay_is_busy(database_url)
        upgrade_service(service_dir, database_url)
        upgraded = await notified_while_a_relay_is_busy(database_url)
        run_alembic(service_dir, database_url, "downgrade", "0001")
        downgraded = await notified_while_a_relay_is_busy(database_url)

    assert (first_revision, upgraded, downgraded) == (True, False, True)
