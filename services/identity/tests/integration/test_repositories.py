"""The identity repositories and unit of work against the real Postgres."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
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


async def test_failed_logins_are_upserted_and_cleared(sessions):
    async with uow(sessions) as work:
        failures = await work.failed_logins.get("guesser")
        assert failures.count == 0
        failures.count, failures.window_started_at = 3, datetime.now(UTC)
        await work.failed_logins.save(failures)
        await work.commit()
    async with uow(sessions) as work:
        stored = await work.failed_logins.get("guesser")
        assert stored.count == 3 and stored.window_started_at is not None
        stored.count = 4
        await work.failed_logins.save(stored)
        await work.commit()
    async with uow(sessions) as work:
        assert (await work.failed_logins.get("guesser")).count == 4
        await work.failed_logins.clear("guesser")
        await work.commit()
    async with uow(sessions) as work:
        assert (await work.failed_logins.get("guesser")).count == 0


async def test_listing_pages_in_username_order_with_the_total(sessions):
    async with uow(sessions) as work:
        for name in ("list-c", "list-a", "list-b"):
            await work.users.add(a_user(name))
        await work.commit()
    async with uow(sessions) as work:
        users, total = await work.users.list(limit=2, offset=0)
    names = [u.username for u in users]
    assert names == sorted(names) and total >= 3
