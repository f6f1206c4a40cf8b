import uuid

import pytest

from catalog_chassis.domain import Aggregate, DomainEvent
from catalog_chassis.errors import Conflict, PreconditionFailed
from catalog_testing import InMemoryAggregates, InMemoryUnitOfWork


class Thing(Aggregate):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.id, self.name, self.version = uuid.uuid4(), name, 1
        self.record(
            DomainEvent(
                aggregate_type="thing",
                action="created",
                type="ThingCreated",
                aggregate_id=str(self.id),
                data={"name": name},
            )
        )


class Uow(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.things = InMemoryAggregates(self)


async def test_nothing_changes_without_a_commit():
    uow = Uow()
    async with uow:
        await uow.things.add(Thing("a"))
    assert uow.things.rows == {} and uow.events == []


async def test_a_commit_stores_copies_and_collects_each_event_once():
    uow = Uow()
    thing = Thing("a")
    async with uow:
        await uow.things.add(thing)
        await uow.commit()
    async with uow:
        loaded = await uow.things.get(thing.id)
        loaded.version = 2
        await uow.things.save(loaded, expected_version=1)
        await uow.commit()
    assert [e.type for e in uow.events] == ["ThingCreated"]
    assert uow.things.rows[thing.id].version == 2 and uow.things.rows[thing.id] is not loaded


async def test_stale_versions_and_taken_names_are_seen():
    uow = Uow()
    thing = Thing("Speed")
    async with uow:
        await uow.things.add(thing)
        await uow.commit()
    with pytest.raises(Conflict):
        await uow.things.add(Thing("SPEED"))  # another thing with the name, in another case
    renamed = await uow.things.get(thing.id)
    renamed.name = "speed"
    await uow.things.save(renamed, expected_version=1)  # its own name: no conflict
    with pytest.raises(PreconditionFailed):
        await uow.things.remove(thing, expected_version=5)
