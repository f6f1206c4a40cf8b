"""A service process without DATABASE_URL refuses to start, saying which process needed it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from catalog_chassis.db import (
    Admission,
    admission,
    create_engine,
    create_session_factory,
    database_engine,
    required_database_url,
)
from catalog_chassis.problems import DATABASE_UNAVAILABLE
from catalog_chassis.settings import ServiceSettings

WITHOUT_DATABASE = ServiceSettings(service_name="gadgets", database_url=None)


def test_the_api_process_names_only_the_service() -> None:
    with pytest.raises(RuntimeError, match=r"^gadgets: DATABASE_URL is required$"):
        database_engine(WITHOUT_DATABASE)


def test_another_process_names_its_role() -> None:
    with pytest.raises(RuntimeError, match=r"^gadgets: DATABASE_URL is required by the relay$"):
        required_database_url(WITHOUT_DATABASE, role="relay")


def test_the_configured_url_is_returned_as_plain_text() -> None:
    settings = ServiceSettings(service_name="gadgets", database_url="postgresql://u:p@h/db")

    assert required_database_url(settings) == "postgresql://u:p@h/db"


async def test_a_released_place_goes_to_the_longest_waiter_not_to_a_newcomer() -> None:
    admission = Admission(1, timeout=5.0)
    await admission.enter()
    admitted: list[str] = []

    async def unit_of_work(name: str) -> None:
        await admission.enter()
        admitted.append(name)

    waiting = asyncio.create_task(unit_of_work("waiting"))
    await asyncio.sleep(0)  # it waits now
    admission.leave()
    # A newcomer in the same tick, before the waiter has resumed: the place is not free.
    newcomer = asyncio.create_task(unit_of_work("newcomer"))
    await asyncio.sleep(0)
    await waiting
    assert admitted == ["waiting"]
    assert not newcomer.done()
    admission.leave()
    await newcomer
    assert admitted == ["waiting", "newcomer"]


async def test_waiting_longer_than_the_pool_timeout_is_a_database_unavailable() -> None:
    admission = Admission(1, timeout=0.05)
    await admission.enter()

    with pytest.raises(DATABASE_UNAVAILABLE):
        await admission.enter()


def test_sessions_of_an_engine_made_here_go_through_its_admission() -> None:
    engine = create_engine("postgresql+asyncpg://u:p@127.0.0.1:1/d", pool_size=3)
    made_elsewhere = create_async_engine("postgresql+asyncpg://u:p@127.0.0.1:1/d")

    assert admission(create_session_factory(engine)) is not None
    assert admission(create_session_factory(made_elsewhere)) is None
