"""Rebuilding from the write services: what they say now wins over what the store held."""

from __future__ import annotations

import uuid

from store_service.application.rebuild import Rebuild
from store_service.domain.documents import Component, Kind

from . import snapshots as s


def own(catalog, kind: Kind, snapshot: dict) -> None:
    catalog.owned[uuid.UUID(snapshot["id"])] = Component.from_snapshot(kind, snapshot)


async def test_rebuild_recomposes_from_the_owners_and_drops_what_is_no_longer_published(
    projection, components, documents, index, catalog
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

    count = await Rebuild(
        catalog=catalog,
        components=components,
        documents=documents,
        index=index,
        projection=projection,
    ).run()

    assert count == 1
    assert set(index.entries) == {str(kept)}
    assert await documents.get(missed_retirement) is None
    body = (await documents.get(kept)).body
    assert body["specifications"][0]["characteristics"][0]["value"] == "1000"


async def test_writes_made_while_the_new_index_is_built_are_not_lost(
    projection, components, documents, index, catalog
):
    cid, sid, pid, oid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for kind, snapshot in (
        (Kind.CHARACTERISTIC, s.characteristic(cid)),
        (Kind.SPECIFICATION, s.specification(sid, [cid])),
        (Kind.PRICE, s.price(pid)),
        (Kind.OFFERING, s.offering(oid, [sid], [pid])),
    ):
        own(catalog, kind, snapshot)
        await projection.apply(f"{kind.value.capitalize()}Created", snapshot)

    async def price_cut_meanwhile():
        await projection.apply("PriceUpdated", s.price(pid, version=2, value="5.00"))

    index.during_rebuild = price_cut_meanwhile
    await Rebuild(
        catalog=catalog,
        components=components,
        documents=documents,
        index=index,
        projection=projection,
    ).run()

    assert index.entries[str(oid)].body["prices"][0]["value"] == "5.00"
