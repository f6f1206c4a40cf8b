"""The reference-usage tables and their SQL adapter against a real Postgres: the migration
helpers make what the metadata declares; record and release keep the newest version."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalog_chassis.usage_tables import (
    SqlReferenceUsages,
    create_usages_table,
    create_versions_table,
    drop_usages_table,
    drop_versions_table,
    usage_tables,
)
from catalog_chassis.usages import Referrer, ReferrerUsage
from catalog_testing import SqlRunner, eventually, sql_runner

pytestmark = pytest.mark.integration

TABLES = usage_tables(referenced="part", referrer="bundle")
PART, OTHER_PART = uuid.uuid4(), uuid.uuid4()


def migrate(connection: Connection) -> None:
    op = Operations(MigrationContext.configure(connection))
    create_usages_table(op, referenced="part", referrer="bundle")  # type: ignore[arg-type]
    create_versions_table(op, referrer="bundle")  # type: ignore[arg-type]


def differences_from_metadata(connection: Connection) -> list[object]:
    ours = {TABLES.usages.name, TABLES.versions.name}
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            # the chassis tables are there too
            "include_name": lambda name, type_, _: type_ != "table" or name in ours,
        },
    )
    return list(compare_metadata(context, TABLES.metadata))


@pytest.fixture
async def migrated(engine: AsyncEngine) -> AsyncEngine:
    async with engine.begin() as connection:
        await connection.run_sync(migrate)
    return engine


@pytest.fixture
async def sql(chassis_database_url: str) -> AsyncIterator[SqlRunner]:
    async with sql_runner(chassis_database_url) as run:
        yield run


def usage(referrer_id: uuid.UUID, version: int, *part_ids: uuid.UUID, name: str = "Kit"):
    return ReferrerUsage(
        referrer=Referrer(id=referrer_id, name=name),
        version=version,
        referenced_ids=frozenset(part_ids),
    )


async def in_one_transaction(sessions: async_sessionmaker[AsyncSession], write) -> object:
    async with sessions() as session, session.begin():
        return await write(SqlReferenceUsages(session, TABLES))


async def referrers_of(sessions: async_sessionmaker[AsyncSession], part_id) -> list[Referrer]:
    return await in_one_transaction(sessions, lambda usages: usages.referrers_of(part_id))  # type: ignore[return-value]


async def test_the_migration_helpers_make_what_the_metadata_declares(migrated: AsyncEngine):
    async with migrated.connect() as connection:
        assert await connection.run_sync(differences_from_metadata) == []

        def downgrade(sync: Connection) -> None:
            op = Operations(MigrationContext.configure(sync))
            drop_versions_table(op, referrer="bundle")  # type: ignore[arg-type]
            drop_usages_table(op, referenced="part", referrer="bundle")  # type: ignore[arg-type]

        await connection.run_sync(downgrade)
        remaining = await connection.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE tablename IN ('part_usages', 'bundle_versions')"
        )
        assert remaining.all() == []


@pytest.mark.usefixtures("migrated")
class TestSqlReferenceUsages:
    async def test_record_lists_the_referrers_by_name(self, sessions):
        zeta, alpha = uuid.uuid4(), uuid.uuid4()
        assert await in_one_transaction(
            sessions, lambda u: u.record(usage(zeta, 1, PART, name="Zeta"))
        )
        assert await in_one_transaction(
            sessions, lambda u: u.record(usage(alpha, 1, PART, OTHER_PART, name="Alpha"))
        )
        assert await referrers_of(sessions, PART) == [
            Referrer(id=alpha, name="Alpha"),
            Referrer(id=zeta, name="Zeta"),
        ]
        assert await referrers_of(sessions, OTHER_PART) == [Referrer(id=alpha, name="Alpha")]

    async def test_a_newer_version_replaces_the_usages_and_an_older_one_is_ignored(self, sessions):
        kit = uuid.uuid4()
        await in_one_transaction(sessions, lambda u: u.record(usage(kit, 2, PART)))
        assert not await in_one_transaction(sessions, lambda u: u.record(usage(kit, 1, OTHER_PART)))
        assert not await in_one_transaction(sessions, lambda u: u.record(usage(kit, 2, OTHER_PART)))
        assert [r.id for r in await referrers_of(sessions, PART)] == [kit]
        assert await referrers_of(sessions, OTHER_PART) == []

        assert await in_one_transaction(
            sessions, lambda u: u.record(usage(kit, 3, OTHER_PART, name="Kit v3"))
        )
        assert await referrers_of(sessions, PART) == []
        assert await referrers_of(sessions, OTHER_PART) == [Referrer(id=kit, name="Kit v3")]

    async def test_release_forgets_the_usages_and_a_late_record_cannot_bring_them_back(
        self, sessions, sql
    ):
        kit = uuid.uuid4()
        await in_one_transaction(sessions, lambda u: u.record(usage(kit, 1, PART)))
        assert await in_one_transaction(sessions, lambda u: u.release(kit, version=3))
        assert not await in_one_transaction(sessions, lambda u: u.record(usage(kit, 2, PART)))
        assert not await in_one_transaction(sessions, lambda u: u.release(kit, version=3))
        assert await referrers_of(sessions, PART) == []
        assert await sql("SELECT version FROM bundle_versions WHERE bundle_id = :k", k=kit) == [
            {"version": 3}
        ]

    async def test_a_release_of_an_unknown_referrer_remembers_its_version(self, sessions):
        kit = uuid.uuid4()
        assert await in_one_transaction(sessions, lambda u: u.release(kit, version=2))
        assert not await in_one_transaction(sessions, lambda u: u.record(usage(kit, 1, PART)))
        assert await referrers_of(sessions, PART) == []

    async def test_an_older_event_racing_a_newer_one_waits_for_it_and_is_ignored(
        self, sessions, sql
    ):
        kit = uuid.uuid4()
        async with sessions() as newer, newer.begin():
            assert await SqlReferenceUsages(newer, TABLES).record(usage(kit, 2, OTHER_PART))
            older = asyncio.create_task(
                in_one_transaction(sessions, lambda u: u.record(usage(kit, 1, PART)))
            )

            async def older_waits_on_a_lock() -> bool:
                waiting = await sql(
                    "SELECT 1 FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                return bool(waiting)

            await eventually(older_waits_on_a_lock)
            assert not older.done()
        assert await older is False
        assert await referrers_of(sessions, PART) == []
        assert [r.id for r in await referrers_of(sessions, OTHER_PART)] == [kit]
