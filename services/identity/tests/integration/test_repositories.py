"""The identity repositories and unit of work against the real Postgres."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from catalog_chassis.db import create_engine, create_session_factory
from catalog_chassis.errors import Conflict
from catalog_testing import migrated_database
from identity_service.domain.model import Role, User
from identity_service.infrastructure.unit_of_work import IdentityUnitOfWork

pytestmark = pytest.mark.integration

SERVICE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
async def sessions():
    async with migrated_database(SERVICE_DIR, prefix="identity_repo") as url:
        engine = create_engine(url)
        yield create_session_factory(engine)
        await engine.dispose()


def uow(sessions) -> IdentityUnitOfWork:
    return IdentityUnitOfWork(sessions, service="identity")


def a_user(username: str) -> User:
    return User(username=username, password_hash="$2b$12$hash", role=Role.USER)


async def test_a_user_round_trips_with_every_field(sessions):
    user = a_user("roundtrip")
    async with uow(sessions) as work:
        await work.users.add(user)
        await work.commit()
    async with uow(sessions) as work:
        by_id = await work.users.get(str(user.id))
        by_name = await work.users.get_by_username("roundtrip")
    assert by_id == by_name == user


async def test_a_changed_password_is_saved(sessions):
    user = a_user("rotating")
    async with uow(sessions) as work:
        await work.users.add(user)
        await work.commit()
    async with uow(sessions) as work:
        stored = await work.users.get_by_username("rotating")
        stored.change_password_hash("$2b$12$other")
        await work.users.save(stored)
        await work.commit()
    async with uow(sessions) as work:
        again = await work.users.get_by_username("rotating")
    assert (again.password_hash, again.version) == ("$2b$12$other", 2)


async def test_uncommitted_users_are_not_stored(sessions):
    async with uow(sessions) as work:
        await work.users.add(a_user("uncommitted"))
    async with uow(sessions) as work:
        assert await work.users.get_by_username("uncommitted") is None


async def test_two_writers_racing_for_one_username_get_one_user_and_one_conflict(sessions):
    async def register() -> str:
        async with uow(sessions) as work:
            await work.users.add(a_user("contested"))
            try:
                await work.commit()
            except Conflict:
                return "conflict"
            return "created"

    outcomes = await asyncio.gather(register(), register())
    assert sorted(outcomes) == ["conflict", "created"]


async def test_parallel_failures_each_count_for_the_client_and_the_username(sessions):
    now = datetime.now(UTC)
    window = timedelta(minutes=15)

    async def fail(client: str) -> None:
        async with uow(sessions) as work:
            await work.login_failures.record("guesser", client, now, window)
            await work.commit()

    await asyncio.gather(*(fail("10.0.0.1") for _ in range(10)), fail("10.0.0.2"))

    async with uow(sessions) as work:
        one, overall = await work.login_failures.get("guesser", "10.0.0.1")
        other, _ = await work.login_failures.get("guesser", "10.0.0.2")
    assert (one.count, other.count, overall.count) == (10, 1, 11)
    assert one.last_failure_at == now


async def test_a_failure_after_the_window_restarts_the_count_and_clear_forgets_a_client(
    sessions,
):
    then = datetime.now(UTC) - timedelta(hours=1)
    window = timedelta(minutes=15)
    async with uow(sessions) as work:
        for _ in range(3):
            await work.login_failures.record("restarter", "10.0.0.3", then, window)
        await work.login_failures.record("restarter", "10.0.0.3", datetime.now(UTC), window)
        await work.commit()
    async with uow(sessions) as work:
        client, overall = await work.login_failures.get("restarter", "10.0.0.3")
        assert (client.count, overall.count) == (1, 1)
        await work.login_failures.clear("restarter", "10.0.0.3")
        await work.commit()
    async with uow(sessions) as work:
        client, overall = await work.login_failures.get("restarter", "10.0.0.3")
    assert (client.count, overall.count) == (0, 1)


async def test_purge_drops_only_counts_older_than_the_cutoff(sessions):
    now = datetime.now(UTC)
    window = timedelta(minutes=15)
    async with uow(sessions) as work:
        await work.login_failures.record("stale", "10.0.0.4", now - timedelta(hours=2), window)
        await work.login_failures.record("fresh", "10.0.0.4", now, window)
        await work.commit()
    async with uow(sessions) as work:
        purged = await work.login_failures.purge(now - timedelta(hours=1))
        await work.commit()
    async with uow(sessions) as work:
        stale, _ = await work.login_failures.get("stale", "10.0.0.4")
        fresh, _ = await work.login_failures.get("fresh", "10.0.0.4")
    assert purged >= 2 and stale.count == 0 and fresh.count == 1


async def test_listing_pages_in_username_order_with_the_total(sessions):
    async with uow(sessions) as work:
        for name in ("list-c", "list-a", "list-b"):
            await work.users.add(a_user(name))
        await work.commit()
    async with uow(sessions) as work:
        users, total = await work.users.list(limit=2, offset=0)
    names = [u.username for u in users]
    assert names == sorted(names) and total >= 3
