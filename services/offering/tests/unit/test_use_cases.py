"""Offering use cases against in-memory adapters: references, lifecycle, the saga port."""

from __future__ import annotations

import uuid

import pytest

from catalog_chassis.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    ValidationFailed,
)
from offering_service.application.use_cases import (
    KEEP,
    OfferingChanges,
    OfferingFields,
)
from offering_service.domain.model import IllegalTransition, LifecycleStatus

from .conftest import known


def fields(name: str = "Fibre 100 home", **overrides) -> OfferingFields:
    values = {
        "name": name,
        "description": None,
        "specification_ids": [],
        "price_ids": [],
        "sales_channels": [],
    }
    return OfferingFields(**{**values, **overrides})


def complete(specification, price, name: str = "Fibre 100 home") -> OfferingFields:
    return fields(
        name,
        specification_ids=[specification.id],
        price_ids=[price.id],
        sales_channels=["ONLINE", "RETAIL_STORE"],
    )


class TestDrafts:
    async def test_a_draft_with_nothing_but_a_name_is_created(self, service, uow):
        draft = await service.create(fields())
        assert draft.lifecycle_status is LifecycleStatus.DRAFT
        assert [e.routing_key for e in uow.events] == ["offering.created"]

    async def test_unknown_references_of_both_kinds_are_named_together(self, service):
        spec_id, price_id = uuid.uuid4(), uuid.uuid4()
        with pytest.raises(ValidationFailed) as raised:
            await service.create(fields(specification_ids=[spec_id], price_ids=[price_id]))
        messages = {e.field: e.message for e in raised.value.errors}
        assert str(spec_id) in messages["specificationIds"]
        assert str(price_id) in messages["priceIds"]

    async def test_a_reference_the_cache_has_not_heard_of_is_asked_of_its_owner(
        self, service, uow, specification_directory, price
    ):
        fresh = known("Just created")
        specification_directory.items[fresh.id] = fresh

        await service.create(fields(specification_ids=[fresh.id], price_ids=[price.id]))

        assert specification_directory.asked == [fresh.id]
        assert fresh.id in uow.specification_cache.cached  # remembered for next time

    async def test_a_deleted_reference_is_refused_without_asking(
        self, service, uow, specification_directory
    ):
        gone = known()
        await uow.specification_cache.forget(gone.id, version=2)
        with pytest.raises(ValidationFailed):
            await service.create(fields(specification_ids=[gone.id]))
        assert specification_directory.asked == []

    async def test_an_owner_that_cannot_answer_is_503_and_nothing_is_written(
        self, service, uow, price_directory
    ):
        price_directory.down = True
        with pytest.raises(ServiceUnavailable):
            await service.create(fields(price_ids=[uuid.uuid4()]))
        assert uow.offerings.rows == {}

    async def test_a_taken_name_is_a_conflict(self, service):
        await service.create(fields("Fibre"))
        with pytest.raises(Conflict):
            await service.create(fields("FIBRE"))

    async def test_replace_checks_only_the_references_it_adds(
        self, service, specification, price, price_directory
    ):
        draft = await service.create(complete(specification, price))
        price_directory.down = True  # an edit adding no price must not need the pricing service
        updated = await service.replace(
            draft.id, complete(specification, price, name="Renamed"), expected_version=1
        )
        assert (updated.name, updated.version) == ("Renamed", 2)

    async def test_patch_keeps_what_it_does_not_name(self, service, specification, price):
        draft = await service.create(complete(specification, price))
        patched = await service.patch(
            draft.id, OfferingChanges(description="Now with TV", sales_channels=["PARTNER"])
        )
        assert patched.specification_ids == [specification.id]
        assert patched.description == "Now with TV"
        assert [c.value for c in patched.sales_channels] == ["PARTNER"]
        assert OfferingChanges().name is KEEP

    async def test_a_stale_version_is_412(self, service):
        draft = await service.create(fields())
        await service.patch(draft.id, OfferingChanges(description="x"))
        with pytest.raises(PreconditionFailed):
            await service.replace(draft.id, fields("Other"), expected_version=1)

    async def test_delete_removes_a_draft(self, service, uow):
        draft = await service.create(fields())
        await service.delete(draft.id)
        with pytest.raises(NotFound):
            await service.get(draft.id)
        assert uow.events[-1].routing_key == "offering.deleted"


class TestPublication:
    async def test_publish_moves_to_publishing_and_starts_the_saga(
        self, service, saga, uow, specification, price
    ):
        draft = await service.create(complete(specification, price))

        publishing = await service.publish(draft.id)

        assert publishing.lifecycle_status is LifecycleStatus.PUBLISHING
        assert saga.started == [publishing.saga_id]
        # The request to start it was committed with the move to PUBLISHING, before the start.
        assert saga.committed_first == [True]
        request = uow.publication_requests.rows[publishing.saga_id]
        assert request.offering_id == draft.id
        assert request.variables["offeringId"] == str(draft.id)
        assert request.variables["sagaId"] == str(publishing.saga_id)
        assert request.variables["priceIds"] == [str(price.id)]
        assert request.variables["specificationIds"] == [str(specification.id)]
        stored = await service.get(draft.id)
        assert stored.lifecycle_status is LifecycleStatus.PUBLISHING
        assert uow.events[-1].routing_key == "offering.publication_initiated"
        assert uow.events[-1].data["sagaId"] == str(publishing.saga_id)

    async def test_an_incomplete_draft_is_not_published_and_no_saga_starts(
        self, service, saga, uow
    ):
        draft = await service.create(fields())
        with pytest.raises(ValidationFailed) as raised:
            await service.publish(draft.id)
        assert {e.field for e in raised.value.errors} == {
            "specificationIds",
            "priceIds",
            "salesChannels",
        }
        assert saga.started == []
        assert uow.publication_requests.rows == {}

    async def test_a_stale_if_match_publishes_nothing_and_requests_no_saga(
        self, service, saga, uow, specification, price
    ):
        draft = await service.create(complete(specification, price))
        with pytest.raises(PreconditionFailed):
            await service.publish(draft.id, expected_version=draft.version + 1)
        assert (await service.get(draft.id)).lifecycle_status is LifecycleStatus.DRAFT
        assert saga.started == [] and uow.publication_requests.rows == {}

    async def test_nothing_but_a_draft_can_be_changed_deleted_or_published(
        self, service, specification, price
    ):
        draft = await service.create(complete(specification, price))
        await service.publish(draft.id)
        with pytest.raises(IllegalTransition):
            await service.patch(draft.id, OfferingChanges(description="late"))
        with pytest.raises(IllegalTransition):
            await service.delete(draft.id)
        with pytest.raises(IllegalTransition):
            await service.publish(draft.id)
        with pytest.raises(IllegalTransition):
            await service.retire(draft.id)

    async def test_confirm_then_retire(self, service, uow, specification, price):
        draft = await service.create(complete(specification, price))
        saga_id = (await service.publish(draft.id)).saga_id

        published = await service.confirm_publication(draft.id, saga_id)
        again = await service.confirm_publication(draft.id, saga_id)
        retired = await service.retire(draft.id)

        assert published.lifecycle_status is LifecycleStatus.PUBLISHED
        assert again.version == published.version
        assert retired.lifecycle_status is LifecycleStatus.RETIRED
        assert [e.routing_key for e in uow.events][-2:] == [
            "offering.published",
            "offering.retired",
        ]

    async def test_failure_returns_a_draft_that_can_be_fixed_and_published_again(
        self, service, saga, specification, price
    ):
        draft = await service.create(complete(specification, price))
        saga_id = (await service.publish(draft.id)).saga_id

        failed = await service.fail_publication(draft.id, saga_id, "Price 'Monthly' is locked")

        assert failed.lifecycle_status is LifecycleStatus.DRAFT
        assert failed.publication_failure_reason == "Price 'Monthly' is locked"
        again = await service.publish(draft.id)
        assert again.saga_id != saga_id and again.publication_failure_reason is None
        assert len(saga.started) == 2

    async def test_the_sales_channels_are_the_contract_enum(self, service):
        assert [c.value for c in service.sales_channels()] == [
            "ONLINE",
            "MOBILE_APP",
            "RETAIL_STORE",
            "CALL_CENTER",
            "PARTNER",
        ]
