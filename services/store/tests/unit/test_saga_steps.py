"""The store's saga steps against in-memory adapters: an offering being published enters
the store (so it is searchable once confirmed), compensation takes it out, and events about
the offering neither remove a staged entry early nor keep a finished saga's entry."""

from __future__ import annotations

import uuid

import pytest

from catalog_chassis.workflow.tasks import BusinessError, ExternalTask
from catalog_testing import saga_task
from store_service.application.saga_steps import OFFERING_CHANGED, StoreSagaSteps
from store_service.domain.documents import Component, Kind

from . import snapshots as s

CID, SID, PID, OID = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
SAGA = uuid.uuid4()


def publishing(version: int = 2, saga: uuid.UUID = SAGA, status: str = "PUBLISHING") -> dict:
    return {**s.offering(OID, [SID], [PID], status=status, version=version), "sagaId": str(saga)}


def task(topic: str, saga: uuid.UUID = SAGA) -> ExternalTask:
    return saga_task(topic, business_key=str(OID), offeringId=str(OID), sagaId=str(saga))


@pytest.fixture
def steps(projection, components, staging, catalog) -> StoreSagaSteps:
    # The parts are known to their owners only (their events have not arrived yet).
    catalog.owned[CID] = Component.from_snapshot(Kind.CHARACTERISTIC, s.characteristic(CID))
    catalog.owned[SID] = Component.from_snapshot(Kind.SPECIFICATION, s.specification(SID, [CID]))
    catalog.owned[PID] = Component.from_snapshot(Kind.PRICE, s.price(PID))
    catalog.owned[OID] = Component.from_snapshot(Kind.OFFERING, publishing())
    return StoreSagaSteps(
        catalog=catalog, components=components, staging=staging, projection=projection
    )


async def test_an_offering_being_published_enters_the_store_with_its_parts(steps, documents, index):
    result = await steps.create_store_entry(task("create-store-entry"))

    document = await documents.get(OID)
    assert document is not None and document.body["prices"][0]["id"] == str(PID)
    assert document.body["specifications"][0]["characteristics"][0]["id"] == str(CID)
    assert str(OID) in index.entries
    assert result == {"storeRevision": document.revision}


async def test_the_late_publishing_event_does_not_remove_the_entry(steps, projection, index):
    await steps.create_store_entry(task("create-store-entry"))

    await projection.apply("OfferingPublicationInitiated", publishing(version=2))

    assert str(OID) in index.entries


async def test_confirmation_keeps_the_entry_and_forgets_the_staging(
    steps, projection, index, staging
):
    await steps.create_store_entry(task("create-store-entry"))

    await projection.apply("OfferingPublished", publishing(version=3, status="PUBLISHED"))

    assert index.entries[str(OID)].body["publishedAt"] == "2026-11-29T10:00:00Z"
    assert staging.entries == set()


async def test_compensation_takes_the_entry_out_again(steps, documents, index, staging):
    await steps.create_store_entry(task("create-store-entry"))

    await steps.delete_store_entry(task("delete-store-entry"))
    await steps.delete_store_entry(task("delete-store-entry"))  # repeated: no harm

    assert await documents.get(OID) is None
    assert str(OID) not in index.entries
    assert staging.entries == set()


async def test_compensation_without_an_entry_changes_nothing(steps, documents, index):
    await steps.delete_store_entry(task("delete-store-entry"))

    assert await documents.get(OID) is None and index.entries == {}


async def test_a_failed_publication_event_removes_the_entry(steps, projection, index, staging):
    await steps.create_store_entry(task("create-store-entry"))

    await projection.apply("OfferingPublicationFailed", publishing(version=3, status="DRAFT"))

    assert str(OID) not in index.entries
    assert staging.entries == set()


async def test_another_sagas_offering_is_refused(steps, documents):
    with pytest.raises(BusinessError) as refused:
        await steps.create_store_entry(task("create-store-entry", saga=uuid.uuid4()))

    assert refused.value.code == OFFERING_CHANGED
    assert await documents.get(OID) is None


async def test_a_deleted_offering_is_refused(steps, catalog):
    del catalog.owned[OID]

    with pytest.raises(BusinessError, match="deleted"):
        await steps.create_store_entry(task("create-store-entry"))


async def test_an_offering_whose_saga_ended_in_the_store_is_refused(steps, projection, documents):
    # The store already holds a newer state: this saga failed and the offering is a draft.
    await projection.apply("OfferingPublicationFailed", publishing(version=3, status="DRAFT"))

    with pytest.raises(BusinessError, match="changed during its publication"):
        await steps.create_store_entry(task("create-store-entry"))
    assert await documents.get(OID) is None
