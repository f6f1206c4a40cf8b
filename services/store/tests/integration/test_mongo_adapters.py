"""The document-store adapters on the real MongoDB wire protocol (FerretDB): newest copy
wins atomically, documents are written compare-and-set by revision, events are remembered."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from store_service.domain.documents import Component, Kind, StoreDocument
from store_service.infrastructure.mongo import (
    MongoComponents,
    MongoDocuments,
    MongoProcessedEvents,
    MongoStaging,
    ensure_indexes,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
async def db(mongo_database):
    await ensure_indexes(mongo_database)
    return mongo_database


def price(pid: uuid.UUID, version: int, value: str = "1.00") -> Component:
    return Component.from_snapshot(
        Kind.PRICE,
        {
            "id": str(pid),
            "version": version,
            "value": value,
            "name": "p",
            "unit": "per month",
            "currency": "EUR",
        },
    )


async def test_only_a_newer_copy_replaces_the_one_held(db):
    components = MongoComponents(db)
    pid = uuid.uuid4()

    assert await components.store(price(pid, 2, "2.00")) is True
    assert await components.store(price(pid, 1, "1.00")) is False
    assert await components.store(price(pid, 2, "9.99")) is False
    assert await components.store(price(pid, 3, "3.00")) is True

    held = (await components.get(Kind.PRICE, [pid]))[pid]
    assert (held.version, held.data["value"]) == (3, "3.00")


async def test_concurrent_versions_settle_on_the_newest(db):
    components = MongoComponents(db)
    pid = uuid.uuid4()

    await asyncio.gather(*(components.store(price(pid, v, f"{v}.00")) for v in range(1, 11)))

    assert (await components.get(Kind.PRICE, [pid]))[pid].version == 10


async def test_published_offerings_are_listed(db):
    components = MongoComponents(db)
    published, draft = uuid.uuid4(), uuid.uuid4()
    for oid, status in ((published, "PUBLISHED"), (draft, "DRAFT")):
        await components.store(
            Component.from_snapshot(
                Kind.OFFERING,
                {"id": str(oid), "name": "o", "version": 1, "lifecycleStatus": status},
            )
        )

    listed = {c.id async for c in components.published_offerings()}

    assert published in listed and draft not in listed


def document(oid: uuid.UUID, pid: uuid.UUID, name: str = "Fibre") -> StoreDocument:
    return StoreDocument(
        body={"id": str(oid), "name": name, "version": 1},
        price_ids=frozenset({pid}),
    )


async def test_documents_are_written_compare_and_set(db):
    documents = MongoDocuments(db)
    oid, pid = uuid.uuid4(), uuid.uuid4()

    first = await documents.replace(document(oid, pid), expected_revision=None)
    again = await documents.replace(document(oid, pid, "Lost race"), expected_revision=None)
    second = await documents.replace(document(oid, pid, "Renamed"), expected_revision=1)
    stale = await documents.replace(document(oid, pid, "Stale"), expected_revision=1)

    assert (first.revision, second.revision) == (1, 2)
    assert again is None and stale is None
    assert (await documents.get(oid)).body["name"] == "Renamed"
    assert await documents.using(Kind.PRICE, pid) == [oid]


async def test_a_removed_document_keeps_its_revision_and_is_not_found(db):
    documents = MongoDocuments(db)
    oid, pid = uuid.uuid4(), uuid.uuid4()
    await documents.replace(document(oid, pid), expected_revision=None)

    assert await documents.remove(oid, expected_revision=0) is None  # stale: 1 is taken
    assert await documents.remove(oid, expected_revision=1) == 2

    assert await documents.get(oid) is None
    assert await documents.revision(oid) == 2
    assert await documents.using(Kind.PRICE, pid) == []
    assert oid not in await documents.ids()


async def test_processed_events_are_remembered_once(db):
    processed = MongoProcessedEvents(db)
    event_id = uuid.uuid4()

    assert await processed.seen("store.prices", event_id) is False
    await processed.remember("store.prices", event_id)
    await processed.remember("store.prices", event_id)

    assert await processed.seen("store.prices", event_id) is True
    assert await processed.seen("store.offerings", event_id) is False


async def test_a_saga_stages_an_offering_once_and_its_end_clears_every_entry(db):
    staging = MongoStaging(db)
    offering, saga, older_saga = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    await staging.stage(offering, saga)
    await staging.stage(offering, saga)  # a redelivered task
    await staging.stage(offering, older_saga)

    assert await staging.holds(offering, saga) is True
    assert await staging.holds(uuid.uuid4(), saga) is False
    await staging.unstage(offering, saga)
    assert await staging.holds(offering, saga) is False
    assert await staging.holds(offering, older_saga) is True
    await staging.clear(offering)
    assert await staging.holds(offering, older_saga) is False


async def test_of_concurrent_writers_of_one_revision_exactly_one_wins(db):
    documents = MongoDocuments(db)
    oid, pid = uuid.uuid4(), uuid.uuid4()
    await documents.replace(document(oid, pid), expected_revision=None)

    results = await asyncio.gather(
        *(
            documents.replace(document(oid, pid, f"Writer {n}"), expected_revision=1)
            for n in range(8)
        )
    )

    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    assert (await documents.get(oid)).body["name"] == winners[0].body["name"]
    assert await documents.revision(oid) == 2


async def test_a_stale_writer_loses_even_after_its_revision_was_pruned(db):
    documents = MongoDocuments(db)
    oid, pid = uuid.uuid4(), uuid.uuid4()
    for expected in (None, 1, 2):
        await documents.replace(
            document(oid, pid, f"r{(expected or 0) + 1}"), expected_revision=expected
        )

    # Revision 2 is gone (pruned); a writer still believing in revision 1 must not win.
    assert await documents.replace(document(oid, pid, "stale"), expected_revision=1) is None
    assert (await documents.get(oid)).body["name"] == "r3"
