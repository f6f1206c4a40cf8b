"""The projection against in-memory adapters: composition, fan-out of part changes,
duplicates and reordering, removal, missing parts fetched from their owners, races."""

from __future__ import annotations

import uuid

import pytest

from catalog_chassis.references import MalformedSnapshot
from store_service.application.projection import WriteConflict, classify
from store_service.domain.documents import Component, Kind

from . import snapshots as s

CID, SID, PID, OID = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


async def publish_everything(projection) -> None:
    await projection.apply("CharacteristicCreated", s.characteristic(CID))
    await projection.apply("SpecificationCreated", s.specification(SID, [CID]))
    await projection.apply("PriceCreated", s.price(PID))
    await projection.apply("OfferingPublished", s.offering(OID, [SID], [PID]))


def test_event_types_are_classified_by_aggregate_and_deletion() -> None:
    assert classify("PriceLocked") == (Kind.PRICE, False)
    assert classify("OfferingDeleted") == (Kind.OFFERING, True)
    assert classify("CharacteristicUpdated") == (Kind.CHARACTERISTIC, False)
    assert classify("UserCreated") is None
    assert classify("Price") is None


async def test_a_published_offering_is_composed_and_indexed(projection, documents, index):
    await publish_everything(projection)

    document = await documents.get(OID)
    assert document.body["specifications"] == [
        {
            "id": str(SID),
            "name": "Fibre home",
            "description": "Fast",
            "characteristics": [
                {"id": str(CID), "name": "Download speed", "value": "100", "unitOfMeasure": "Mbps"}
            ],
        }
    ]
    assert document.body["prices"][0]["value"] == "29.99"
    assert document.body["version"] == 4
    assert index.entries[str(OID)].revision == document.revision == 1


async def test_a_draft_is_not_in_the_store(projection, documents, index):
    await projection.apply("OfferingCreated", s.offering(OID, [], [], status="DRAFT", version=1))

    assert await documents.get(OID) is None
    assert index.entries == {}


async def test_a_characteristic_change_reaches_every_document_using_it(
    projection, documents, index
):
    await publish_everything(projection)

    await projection.apply("CharacteristicUpdated", s.characteristic(CID, version=2, value="250"))

    body = (await documents.get(OID)).body
    assert body["specifications"][0]["characteristics"][0]["value"] == "250"
    assert index.entries[str(OID)].body == body


async def test_a_price_change_reaches_the_document(projection, documents):
    await publish_everything(projection)

    await projection.apply("PriceUpdated", s.price(PID, version=2, value="24.99"))

    assert (await documents.get(OID)).body["prices"][0]["value"] == "24.99"


async def test_the_same_event_twice_changes_nothing_the_second_time(projection, documents):
    await publish_everything(projection)
    revision = await documents.revision(OID)

    applied = await projection.apply("PriceCreated", s.price(PID))

    assert applied is False
    assert await documents.revision(OID) == revision


async def test_an_older_version_after_a_newer_one_is_ignored(projection, documents):
    await publish_everything(projection)
    await projection.apply("CharacteristicUpdated", s.characteristic(CID, version=3, value="300"))

    await projection.apply("CharacteristicUpdated", s.characteristic(CID, version=2, value="200"))

    body = (await documents.get(OID)).body
    assert body["specifications"][0]["characteristics"][0]["value"] == "300"


async def test_retiring_removes_the_document_and_the_index_entry(projection, documents, index):
    await publish_everything(projection)

    await projection.apply("OfferingRetired", s.offering(OID, [SID], [PID], "RETIRED", 5))

    assert await documents.get(OID) is None
    assert str(OID) not in index.entries
    # The removal's revision outranks every earlier write, so a late put cannot revive it.
    assert index.revisions[str(OID)] == 2


async def test_parts_not_heard_of_are_fetched_from_their_owners(projection, documents, catalog):
    catalog.owned[SID] = Component.from_snapshot(Kind.SPECIFICATION, s.specification(SID, [CID]))
    catalog.owned[CID] = Component.from_snapshot(Kind.CHARACTERISTIC, s.characteristic(CID))
    catalog.owned[PID] = Component.from_snapshot(Kind.PRICE, s.price(PID))

    await projection.apply("OfferingPublished", s.offering(OID, [SID], [PID]))

    document = await documents.get(OID)
    assert document.body["specifications"][0]["characteristics"][0]["id"] == str(CID)
    assert set(catalog.asked) == {SID, CID, PID}


async def test_a_part_gone_at_its_owner_is_left_out(projection, documents, catalog):
    catalog.owned[PID] = Component.from_snapshot(Kind.PRICE, s.price(PID))

    await projection.apply("OfferingPublished", s.offering(OID, [SID], [PID]))

    body = (await documents.get(OID)).body
    assert body["specifications"] == []
    assert [p["id"] for p in body["prices"]] == [str(PID)]


async def test_a_concurrent_writer_makes_it_compose_again(projection, documents):
    await publish_everything(projection)
    documents.interfere = 2

    await projection.apply("PriceUpdated", s.price(PID, version=2, value="9.99"))

    assert (await documents.get(OID)).body["prices"][0]["value"] == "9.99"


async def test_writers_that_never_stop_interfering_give_up_for_a_retry(projection, documents):
    await publish_everything(projection)
    documents.interfere = 100

    with pytest.raises(WriteConflict):
        await projection.apply("PriceUpdated", s.price(PID, version=2, value="9.99"))


async def test_malformed_data_is_refused(projection):
    with pytest.raises(MalformedSnapshot):
        await projection.apply("PriceUpdated", {"id": "not-a-uuid", "version": 1})


async def test_a_characteristic_without_its_unit_is_refused_not_stored(projection, components):
    # Stored, it would make every read of its offerings fail; refused, it is dead-lettered.
    broken = {**s.characteristic(CID), "unitOfMeasure": None}

    with pytest.raises(MalformedSnapshot, match="unitOfMeasure"):
        await projection.apply("CharacteristicCreated", broken)
    assert components.rows == {}
