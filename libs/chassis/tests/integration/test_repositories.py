"""Repository plumbing against a real Postgres: paging, versioned writes, unique races, LIKE."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Integer, String, Text, delete, insert, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from catalog_chassis.errors import Conflict, PreconditionFailed
from catalog_chassis.repositories import (
    LIKE_ESCAPE,
    contains_pattern,
    fetch_page,
    integrity_error_as_conflict,
    require_one_row_changed,
    serialize_on,
)

pytestmark = pytest.mark.integration


class Base(DeclarativeBase):
    pass


class GadgetRow(Base):
    __tablename__ = "gadgets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    colour: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)


GADGETS = [
    (1, "drill", "red"),
    (2, "50% off saw", "blue"),
    (3, "hammer", "red"),
    (4, "wrench_x", "red"),
    (5, "planer", "red"),
]


@pytest.fixture
async def session(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[AsyncSession]:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
        await connection.execute(
            insert(GadgetRow),
            [{"id": i, "name": n, "colour": c, "version": 1} for i, n, c in GADGETS],
        )
    async with sessions() as session:
        yield session


class TestFetchPage:
    async def test_returns_the_requested_page_in_order_and_the_total_of_all_matches(
        self, session: AsyncSession
    ) -> None:
        red = [GadgetRow.colour == "red"]
        rows, total = await fetch_page(
            session,
            GadgetRow,
            where=red,
            order_by=[GadgetRow.name.asc(), GadgetRow.id],
            limit=2,
            offset=1,
        )
        assert [row.name for row in rows] == ["hammer", "planer"]
        assert total == 4

    async def test_an_offset_past_the_end_gives_no_rows_but_still_the_total(
        self, session: AsyncSession
    ) -> None:
        rows, total = await fetch_page(
            session, GadgetRow, where=[], order_by=[GadgetRow.id], limit=10, offset=10
        )
        assert rows == [] and total == len(GADGETS)


class TestContainsPattern:
    @pytest.mark.parametrize(
        ("text", "names"),
        [
            ("%", ["50% off saw"]),
            ("_", ["wrench_x"]),
            ("r", ["drill", "hammer", "planer", "wrench_x"]),
        ],
    )
    async def test_wildcards_in_the_text_match_only_themselves(
        self, session: AsyncSession, text: str, names: list[str]
    ) -> None:
        matching = [GadgetRow.name.like(contains_pattern(text), escape=LIKE_ESCAPE)]
        rows, _ = await fetch_page(
            session, GadgetRow, where=matching, order_by=[GadgetRow.name], limit=10, offset=0
        )
        assert [row.name for row in rows] == names


class TestRequireOneRowChanged:
    async def test_passes_when_the_expected_version_matched(self, session: AsyncSession) -> None:
        result = await session.execute(
            update(GadgetRow).where(GadgetRow.id == 1, GadgetRow.version == 1).values(version=2)
        )
        require_one_row_changed(result, resource="gadget")

    async def test_a_stale_version_is_a_precondition_failure_naming_the_resource(
        self, session: AsyncSession
    ) -> None:
        result = await session.execute(
            delete(GadgetRow).where(GadgetRow.id == 1, GadgetRow.version == 7)
        )
        with pytest.raises(PreconditionFailed, match="The gadget was changed by someone else"):
            require_one_row_changed(result, resource="gadget")


class TestIntegrityErrorAsConflict:
    async def test_a_unique_violation_becomes_a_conflict_with_the_given_detail(
        self, session: AsyncSession
    ) -> None:
        with pytest.raises(Conflict, match="already exists") as raised:
            async with integrity_error_as_conflict("A gadget named 'drill' already exists."):
                await session.execute(
                    insert(GadgetRow).values(id=9, name="drill", colour="red", version=1)
                )
        assert raised.value.detail == "A gadget named 'drill' already exists."

    async def test_other_errors_pass_through(self) -> None:
        with pytest.raises(ValueError, match="unrelated"):
            async with integrity_error_as_conflict("never used"):
                raise ValueError("unrelated")


async def test_serialize_on_makes_a_second_transaction_wait_for_the_first(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    order: list[str] = []

    async def second() -> None:
        async with sessions() as other, other.begin():
            await serialize_on(other, "gadget:1")
            order.append("second")

    async with sessions() as first, first.begin():
        await serialize_on(first, "gadget:1")
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.3)
        assert not waiting.done()
        async with sessions() as unrelated, unrelated.begin():
            await serialize_on(unrelated, "gadget:2")  # another key does not wait
        order.append("first")
    await waiting
    assert order == ["first", "second"]
