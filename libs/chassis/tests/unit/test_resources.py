"""The use cases every versioned, named resource shares, against in-memory fakes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from catalog_chassis.domain import VersionedAggregate
from catalog_chassis.errors import Conflict, NotFound, PreconditionFailed
from catalog_chassis.resources import (
    KEEP,
    ListWindow,
    Ordering,
    ResourceUseCases,
    check_version,
)
from catalog_testing import InMemoryAggregates, InMemoryUnitOfWork


@dataclass(eq=False, kw_only=True)
class Gadget(VersionedAggregate):
    AGGREGATE_TYPE = "gadget"
    EVENT_PREFIX = "Gadget"

    name: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 1

    def __post_init__(self) -> None:
        VersionedAggregate.__init__(self)
        self.updated_at = None  # type: ignore[assignment]

    def rename(self, name: str) -> bool:
        if name == self.name:
            return False
        self.name = name
        self.record_change("updated")
        return True

    def delete(self) -> None:
        self.record_change("deleted")

    def snapshot(self) -> dict[str, Any]:
        return {"id": str(self.id), "name": self.name, "version": self.version}


class GadgetSort(Ordering):
    NAME = "name"
    CREATED_AT = "createdAt"


@dataclass(frozen=True, kw_only=True)
class GadgetQuery(ListWindow):
    sort: GadgetSort = GadgetSort.NAME


class FakeGadgets(InMemoryAggregates):
    RESOURCE = "gadget"

    async def list(self, query: GadgetQuery) -> tuple[list[Gadget], int]:
        items = sorted(self.rows.values(), key=lambda g: g.name, reverse=query.descending)
        return items[query.offset : query.offset + query.limit], len(items)


class FakeUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.gadgets = FakeGadgets(self)
        self.in_use: set[uuid.UUID] = set()


@dataclass
class GadgetService(ResourceUseCases[Gadget, GadgetQuery, FakeUnitOfWork]):
    RESOURCE = "gadget"

    def repository(self, uow: FakeUnitOfWork) -> Any:
        return uow.gadgets

    async def create(self, name: str) -> Gadget:
        gadget = Gadget(name=name)
        gadget.record_created()
        return await self._add(gadget)

    async def rename(self, gadget_id: uuid.UUID, name: str, *, expected: int | None = None):
        return await self._update(
            gadget_id, lambda gadget: gadget.rename(name), expected_version=expected
        )

    async def _ensure_deletable(self, uow: FakeUnitOfWork, gadget: Gadget) -> None:
        if gadget.id in uow.in_use:
            raise Conflict("in use")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def gadgets(uow: FakeUnitOfWork) -> GadgetService:
    return GadgetService(uow_factory=lambda: uow)


async def test_creates_and_gets_back_what_it_created(gadgets, uow) -> None:
    created = await gadgets.create("Router")

    assert (await gadgets.get(created.id)).name == "Router"
    assert [e.type for e in uow.events] == ["GadgetCreated"]


async def test_a_taken_name_is_a_conflict_naming_the_resource(gadgets) -> None:
    await gadgets.create("Router")

    with pytest.raises(Conflict, match="A gadget named 'router' already exists"):
        await gadgets.create("router")


async def test_unknown_id_is_not_found_naming_the_resource(gadgets) -> None:
    missing = uuid.uuid4()

    with pytest.raises(NotFound, match=f"No gadget with id {missing}"):
        await gadgets.get(missing)


async def test_update_bumps_the_version_and_records_one_event(gadgets, uow) -> None:
    created = await gadgets.create("Router")

    renamed = await gadgets.rename(created.id, "Modem", expected=1)

    assert renamed.version == 2
    assert (await gadgets.get(created.id)).name == "Modem"
    assert [e.type for e in uow.events] == ["GadgetCreated", "GadgetUpdated"]


async def test_an_update_that_changes_nothing_writes_nothing(gadgets, uow) -> None:
    created = await gadgets.create("Router")
    commits = uow.commits

    unchanged = await gadgets.rename(created.id, "Router")

    assert unchanged.version == 1
    assert uow.commits == commits


async def test_a_stale_expected_version_is_precondition_failed(gadgets) -> None:
    created = await gadgets.create("Router")
    await gadgets.rename(created.id, "Modem")

    with pytest.raises(PreconditionFailed, match="at version 2, not 1"):
        await gadgets.rename(created.id, "Switch", expected=1)
    assert (await gadgets.get(created.id)).name == "Modem"


async def test_renaming_onto_a_taken_name_is_a_conflict(gadgets) -> None:
    await gadgets.create("Router")
    modem = await gadgets.create("Modem")

    with pytest.raises(Conflict):
        await gadgets.rename(modem.id, "Router")


async def test_delete_removes_it_and_records_the_deletion(gadgets, uow) -> None:
    created = await gadgets.create("Router")

    await gadgets.delete(created.id, expected_version=1)

    with pytest.raises(NotFound):
        await gadgets.get(created.id)
    assert uow.events[-1].type == "GadgetDeleted"


async def test_delete_honours_the_hook_and_the_version(gadgets, uow) -> None:
    created = await gadgets.create("Router")
    uow.in_use.add(created.id)

    with pytest.raises(Conflict):
        await gadgets.delete(created.id)
    with pytest.raises(PreconditionFailed):
        await gadgets.delete(created.id, expected_version=7)
    assert (await gadgets.get(created.id)).name == "Router"


async def test_list_passes_the_query_to_the_repository(gadgets) -> None:
    for name in ("b", "a", "c"):
        await gadgets.create(name)

    items, total = await gadgets.list(GadgetQuery(descending=True, limit=2))

    assert [g.name for g in items] == ["c", "b"]
    assert total == 3


def test_check_version_passes_for_none_or_the_current_version() -> None:
    check_version("price", 3, None)
    check_version("price", 3, 3)
    with pytest.raises(PreconditionFailed, match="The price is at version 3, not 2"):
        check_version("price", 3, 2)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("name", (GadgetSort.NAME, False)), ("-createdAt", (GadgetSort.CREATED_AT, True))],
)
def test_ordering_parses_a_sort_parameter(sort: str, expected: tuple[GadgetSort, bool]) -> None:
    assert GadgetSort.parse(sort) == expected


def test_keep_is_distinct_from_none() -> None:
    assert KEEP is not None
    assert KEEP != None  # noqa: E711
