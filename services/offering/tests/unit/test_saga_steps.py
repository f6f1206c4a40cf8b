"""The offering's saga steps against in-memory adapters: confirm, mark failed (with the
reason the failed step gave, or the timeout's), both safe to repeat."""

from __future__ import annotations

import uuid

import pytest

from catalog_chassis.workflow.tasks import BusinessError, ExternalTask
from catalog_testing import saga_task
from offering_service.application.saga_steps import TIMED_OUT, OfferingSagaSteps
from offering_service.domain.model import LifecycleStatus

from .test_use_cases import complete


def task(topic: str, offering_id, saga_id, **variables) -> ExternalTask:
    return saga_task(
        topic,
        business_key=str(offering_id),
        offeringId=str(offering_id),
        sagaId=str(saga_id),
        **variables,
    )


@pytest.fixture
async def publishing(service, specification, price):
    draft = await service.create(complete(specification, price))
    return await service.publish(draft.id)


async def test_confirm_publishes_the_offering_once(service, publishing, uow):
    steps = OfferingSagaSteps(service)
    confirm = task("confirm-publication", publishing.id, publishing.saga_id)

    result = await steps.confirm(confirm)
    await steps.confirm(confirm)

    published = await service.get(publishing.id)
    assert published.lifecycle_status is LifecycleStatus.PUBLISHED
    assert result == {"publishedAt": published.published_at.isoformat()}
    assert [e.routing_key for e in uow.events].count("offering.published") == 1


async def test_confirm_by_another_saga_is_a_business_error(service, publishing):
    with pytest.raises(BusinessError) as refused:
        await OfferingSagaSteps(service).confirm(
            task("confirm-publication", publishing.id, uuid.uuid4())
        )
    assert refused.value.code == "offering-changed"


async def test_mark_failed_returns_a_draft_with_the_steps_reason(service, publishing):
    reason = "The price 'Monthly' is locked by another publication"
    failing = task(
        "mark-publication-failed",
        publishing.id,
        publishing.saga_id,
        failureCode="price-locked",
        failureReason=reason,
    )

    await OfferingSagaSteps(service).mark_failed(failing)
    await OfferingSagaSteps(service).mark_failed(failing)

    draft = await service.get(publishing.id)
    assert draft.lifecycle_status is LifecycleStatus.DRAFT
    assert draft.publication_failure_reason == reason


async def test_a_timed_out_publication_gets_the_timeout_reason(service, publishing):
    await OfferingSagaSteps(service).mark_failed(
        task("mark-publication-failed", publishing.id, publishing.saga_id)
    )
    assert (await service.get(publishing.id)).publication_failure_reason == TIMED_OUT


async def test_mark_failed_after_the_offering_moved_on_changes_nothing(service, publishing):
    await service.confirm_publication(publishing.id, publishing.saga_id)

    await OfferingSagaSteps(service).mark_failed(
        task("mark-publication-failed", publishing.id, publishing.saga_id, failureReason="x")
    )

    assert (await service.get(publishing.id)).lifecycle_status is LifecycleStatus.PUBLISHED
