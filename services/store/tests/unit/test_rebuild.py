"""Rebuilding from the write services: what they say now wins over what the store held."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from store_service.application.rebuild import Rebuild
from store_service.domain.documents import Component, Kind

from . import snapshots as s


def own(catalog, kind: Kind, snapshot: dict) -> None:
    catalog.owned[uuid.UUID(snapshot["id"])] = Component.from_snapshot(kind, snapshot)


class Ticks:
    """A clock that moves on a millisecond at every reading."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@dataclass
class Held:
    """Published offerings the store holds, each with the same specification (one
    characteristic) and price."""

    characteristic: uuid.UUID
    price: uuid.UUID
    offerings: list[uuid.UUID]


async def held(projection, catalog, count: int = 1) -> Held:
    cid, sid, pid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    offerings = [uuid.uuid4() for _ in range(count)]
    for kind, snapshot in (
        (Kind.CHARACTERISTIC, s.characteristic(cid)),
        (Kind.SPECIFICATION, s.specification(sid, [cid])),
        (Kind.PRICE, s.price(pid)),
        *((Kind.OFFERING, s.offering(oid, [sid], [pid])) for oid in offerings),
    ):
        await own_and_project(projection, catalog, kind, snapshot)
    return Held(cid, pid, offerings)


async def own_and_project(projection, catalog, kind: Kind, snapshot: dict) -> None:
    own(catalog, kind, snapshot)
    await projection.apply(f"{kind.value.capitalize()}Created", snapshot)


@pytest.fixture
def rebuild(projection, components, documents, index, catalog):
    """A Rebuild over the fakes; keyword arguments set its clock and replay margin."""

    def make(**options) -> Rebuild:
        return Rebuild(
            catalog=catalog,
            components=components,
            documents=documents,
            index=index,
            projection=projection,
            **options,
        )

    return make


async def test_rebuild_recomposes_from_the_owners_and_drops_what_is_no_longer_published(
    projection, documents, index, catalog, rebuild
):
    cid, sid, pid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    kept, missed_retirement = uuid.uuid4(), uuid.uuid4()
    for kind, snapshot in (
        (Kind.CHARACTERISTIC, s.characteristic(cid, version=5, value="1000")),
        (Kind.SPECIFICATION, s.specification(sid, [cid])),
        (Kind.PRICE, s.price(pid)),
        (Kind.OFFERING, s.offering(kept, [sid], [pid])),
        (Kind.OFFERING, s.offering(missed_retirement, [sid], [pid], "RETIRED", 9)),
    ):
        own(catalog, kind, snapshot)
    # What the store held before: an old characteristic value, and an offering whose
    # retirement event it never received.
    await projection.apply("CharacteristicCreated", s.characteristic(cid, version=1, value="10"))
    await projection.apply("SpecificationCreated", s.specification(sid, [cid]))
    await projection.apply("PriceCreated", s.price(pid))
    await projection.apply("OfferingPublished", s.offering(missed_retirement, [sid], [pid]))

    index.puts.clear()
    ticks = Ticks()
    documents.clock = ticks

    count = await rebuild(clock=ticks, replay_margin=timedelta(0)).run()

    assert count == 1
    assert set(index.entries) == {str(kept)}
    # Nothing was written to the live index one by one: the new index came from the documents.
    assert (index.puts, index.removals) == ([], [])
    assert await documents.get(missed_retirement) is None
    body = (await documents.get(kept)).body
    assert body["specifications"][0]["characteristics"][0]["value"] == "1000"


async def test_writes_made_while_the_new_index_is_built_are_not_lost(
    projection, documents, index, catalog, rebuild
):
    store = await held(projection, catalog)
    pid, oid = store.price, store.offerings[0]

    async def price_cut_meanwhile():
        await projection.apply("PriceUpdated", s.price(pid, version=2, value="5.00"))

    index.during_rebuild = price_cut_meanwhile
    await rebuild().run()

    assert index.entries[str(oid)].body["prices"][0]["value"] == "5.00"


async def test_only_writes_made_while_the_index_is_built_are_replayed(
    projection, documents, index, catalog, rebuild
):
    ticks = Ticks()
    documents.clock = ticks
    store = await held(projection, catalog, count=3)
    pid, offerings = store.price, store.offerings
    # Priced otherwise: nothing changes it while the index is built.
    untouched, other_pid = uuid.uuid4(), uuid.uuid4()
    await own_and_project(projection, catalog, Kind.PRICE, s.price(other_pid))
    held_spec = catalog.owned[offerings[0]].ids("specificationIds")[0]
    await own_and_project(
        projection, catalog, Kind.OFFERING, s.offering(untouched, [held_spec], [other_pid])
    )
    built: list[int] = []

    async def price_cut_meanwhile():
        await projection.apply("PriceUpdated", s.price(pid, version=2, value="5.00"))
        built.append(len(index.puts))  # what follows the build is the replay

    index.during_rebuild = price_cut_meanwhile
    await rebuild(clock=ticks, replay_margin=timedelta(0)).run()

    # The rebuild refreshed every document itself before the build: those are in the new
    # index already. Only the price cut's rewrites (while it was built) are replayed, once.
    replayed = index.puts[built[0] :]
    assert sorted(replayed) == sorted(str(oid) for oid in offerings)
    assert str(untouched) in index.entries
    for oid in offerings:
        assert index.entries[str(oid)].body["prices"][0]["value"] == "5.00"


async def test_documents_the_new_index_holds_at_their_revision_are_not_replayed(
    projection, documents, index, catalog, rebuild
):
    """Within the replay margin are the rebuild's own writes: the new index has them."""
    offerings = (await held(projection, catalog, count=3)).offerings
    index.puts.clear()

    await rebuild(replay_margin=timedelta(minutes=5)).run()  # every write is within it

    assert index.puts == []
    assert sorted(index.entries) == sorted(str(oid) for oid in offerings)


async def a_changed_characteristic(projection, catalog) -> tuple[uuid.UUID, uuid.UUID]:
    """A published offering the store holds, whose characteristic's owner has since changed
    it to "1000" (an event the store missed); (characteristic id, offering id)."""
    store = await held(projection, catalog)
    cid, oid = store.characteristic, store.offerings[0]
    own(catalog, Kind.CHARACTERISTIC, s.characteristic(cid, version=2, value="1000"))
    catalog.asked.clear()
    return cid, oid


async def characteristic_value(documents, offering_id: uuid.UUID) -> str:
    body = (await documents.get(offering_id)).body
    return body["specifications"][0]["characteristics"][0]["value"]


async def test_the_parts_are_read_a_list_at_a_time_not_one_by_one(
    projection, documents, catalog, rebuild
):
    _, oid = await a_changed_characteristic(projection, catalog)

    await rebuild().run()

    assert catalog.listings == [Kind.SPECIFICATION, Kind.CHARACTERISTIC, Kind.PRICE]
    assert catalog.asked == []
    assert await characteristic_value(documents, oid) == "1000"


async def test_a_part_the_listing_passed_over_is_asked_for_on_its_own(
    projection, documents, catalog, rebuild
):
    cid, oid = await a_changed_characteristic(projection, catalog)
    catalog.unlisted = {cid}

    await rebuild().run()

    assert catalog.asked == [cid]
    assert await characteristic_value(documents, oid) == "1000"
