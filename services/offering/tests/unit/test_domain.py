"""The offering's content rules and its lifecycle state machine."""

from __future__ import annotations

import uuid

import pytest

from catalog_chassis.errors import ValidationFailed
from offering_service.domain.model import (
    IllegalTransition,
    LifecycleStatus,
    Offering,
    OfferingContent,
    SalesChannel,
)

DRAFT, PUBLISHING, PUBLISHED, RETIRED = (
    LifecycleStatus.DRAFT,
    LifecycleStatus.PUBLISHING,
    LifecycleStatus.PUBLISHED,
    LifecycleStatus.RETIRED,
)
SAGA = uuid.uuid4()


def content(**overrides) -> OfferingContent:
    values = {
        "name": "Fibre 100 home",
        "description": "Fast",
        "specification_ids": [uuid.uuid4()],
        "price_ids": [uuid.uuid4()],
        "sales_channels": ["ONLINE"],
    }
    return OfferingContent.validated(**{**values, **overrides})


def offering_in(status: LifecycleStatus, **overrides) -> Offering:
    """An offering brought to ``status`` through its own transitions."""
    offering = Offering.create(content(**overrides))
    if status in (PUBLISHING, PUBLISHED, RETIRED):
        offering.start_publication(SAGA)
    if status in (PUBLISHED, RETIRED):
        offering.confirm_publication(SAGA)
    if status is RETIRED:
        offering.retire()
    offering.collect_events()
    assert offering.lifecycle_status is status
    return offering


def fields_of(error: ValidationFailed) -> set[str]:
    return {e.field for e in error.errors}


class TestContent:
    def test_a_draft_may_be_saved_with_nothing_but_a_name(self):
        draft = OfferingContent.validated(
            name="  Bare   draft ",
            description=" ",
            specification_ids=[],
            price_ids=[],
            sales_channels=[],
        )
        assert (draft.name, draft.description) == ("Bare draft", None)

    def test_every_mistake_is_reported_at_once(self):
        with pytest.raises(ValidationFailed) as raised:
            content(name="Bad!", description="x" * 2001, sales_channels=["ONLINE", "FAX"])
        assert fields_of(raised.value) == {"name", "description", "salesChannels"}

    def test_an_unknown_sales_channel_is_named(self):
        with pytest.raises(ValidationFailed) as raised:
            content(sales_channels=["TELEPATHY"])
        assert "'TELEPATHY' is not a sales channel" in raised.value.errors[0].message

    def test_too_many_references_are_refused(self):
        with pytest.raises(ValidationFailed) as raised:
            content(price_ids=[uuid.uuid4() for _ in range(101)])
        assert fields_of(raised.value) == {"priceIds"}

    def test_duplicates_collapse_keeping_the_order(self):
        a, b = uuid.uuid4(), uuid.uuid4()
        clean = content(
            specification_ids=[a, b, a], sales_channels=["PARTNER", "ONLINE", "PARTNER"]
        )
        assert clean.specification_ids == (a, b)
        assert clean.sales_channels == (SalesChannel.PARTNER, SalesChannel.ONLINE)


class TestCreation:
    def test_a_new_offering_is_a_draft_and_records_its_creation(self):
        offering = Offering.create(content())
        assert offering.lifecycle_status is DRAFT
        assert offering.saga_id is None and offering.published_at is None
        [event] = offering.collect_events()
        assert (event.routing_key, event.type) == ("offering.created", "OfferingCreated")
        assert event.data["lifecycleStatus"] == "DRAFT"


class TestPublishingRequirements:
    def test_can_publish_names_every_unmet_requirement(self):
        draft = Offering.create(content(specification_ids=[], price_ids=[], sales_channels=[]))
        assert {e.field for e in draft.can_publish()} == {
            "specificationIds",
            "priceIds",
            "salesChannels",
        }

    def test_an_incomplete_draft_cannot_start_publishing(self):
        draft = offering_in(DRAFT, price_ids=[])
        with pytest.raises(ValidationFailed) as raised:
            draft.start_publication(SAGA)
        assert fields_of(raised.value) == {"priceIds"}
        assert draft.lifecycle_status is DRAFT
        assert draft.collect_events() == []


# (from, operation, expected status afterwards or None when illegal, event action)
TRANSITIONS = [
    (DRAFT, "start", PUBLISHING, "publication_initiated"),
    (DRAFT, "confirm", None, None),
    (DRAFT, "fail", None, None),
    (DRAFT, "retire", None, None),
    (DRAFT, "update", DRAFT, "updated"),
    (DRAFT, "delete", DRAFT, "deleted"),
    (PUBLISHING, "start", None, None),
    (PUBLISHING, "confirm", PUBLISHED, "published"),
    (PUBLISHING, "fail", DRAFT, "publication_failed"),
    (PUBLISHING, "retire", None, None),
    (PUBLISHING, "update", None, None),
    (PUBLISHING, "delete", None, None),
    (PUBLISHED, "start", None, None),
    (PUBLISHED, "fail", None, None),
    (PUBLISHED, "retire", RETIRED, "retired"),
    (PUBLISHED, "update", None, None),
    (PUBLISHED, "delete", None, None),
    (RETIRED, "start", None, None),
    (RETIRED, "confirm", None, None),
    (RETIRED, "fail", None, None),
    (RETIRED, "retire", None, None),
    (RETIRED, "update", None, None),
    (RETIRED, "delete", None, None),
]


def operate(offering: Offering, operation: str) -> None:
    {
        "start": lambda: offering.start_publication(SAGA),
        "confirm": lambda: offering.confirm_publication(SAGA),
        "fail": lambda: offering.fail_publication(SAGA, "Price locked elsewhere"),
        "retire": offering.retire,
        "update": lambda: offering.update(content(name="Renamed")),
        "delete": offering.delete,
    }[operation]()


@pytest.mark.parametrize(("start", "operation", "after", "action"), TRANSITIONS)
def test_lifecycle_transitions(start, operation, after, action):
    offering = offering_in(start)
    version = offering.version
    if after is None:
        with pytest.raises(IllegalTransition) as raised:
            operate(offering, operation)
        # 409 naming the current state; nothing changed, nothing recorded
        assert start.value in raised.value.detail
        assert offering.lifecycle_status is start and offering.version == version
        assert offering.collect_events() == []
    else:
        operate(offering, operation)
        assert offering.lifecycle_status is after
        assert offering.version == version + 1
        [event] = offering.collect_events()
        assert event.routing_key == f"offering.{action}"


class TestSagaOutcomes:
    def test_publishing_records_the_saga_and_clears_an_old_failure(self):
        offering = offering_in(PUBLISHING)
        offering.fail_publication(SAGA, "Price 'Monthly' is locked by another publication")
        second = uuid.uuid4()
        offering.start_publication(second)
        assert (offering.saga_id, offering.publication_failure_reason) == (second, None)

    def test_confirmation_sets_published_at(self):
        offering = offering_in(PUBLISHED)
        assert offering.published_at is not None
        assert offering.snapshot()["publishedAt"].endswith("Z")

    def test_confirmation_repeated_by_the_same_saga_changes_nothing(self):
        offering = offering_in(PUBLISHED)
        assert offering.confirm_publication(SAGA) is False
        assert offering.collect_events() == []

    def test_failure_returns_to_draft_with_the_reason(self):
        offering = offering_in(PUBLISHING)
        assert offering.fail_publication(SAGA, "  Specification   gone ") is True
        assert offering.lifecycle_status is DRAFT
        assert offering.publication_failure_reason == "Specification gone"
        [event] = offering.collect_events()
        assert event.data["publicationFailureReason"] == "Specification gone"
        assert event.data["sagaId"] == str(SAGA)

    def test_failure_repeated_by_the_same_saga_changes_nothing(self):
        offering = offering_in(PUBLISHING)
        offering.fail_publication(SAGA, "gone")
        offering.collect_events()
        assert offering.fail_publication(SAGA, "gone") is False
        assert offering.collect_events() == []

    def test_another_saga_cannot_decide_the_publication(self):
        offering = offering_in(PUBLISHING)
        with pytest.raises(IllegalTransition, match="being published by saga"):
            offering.confirm_publication(uuid.uuid4())
        with pytest.raises(IllegalTransition):
            offering.fail_publication(uuid.uuid4(), "nope")
        assert offering.lifecycle_status is PUBLISHING

    def test_retirement_sets_retired_at(self):
        offering = offering_in(RETIRED)
        assert offering.retired_at is not None


def test_the_snapshot_carries_every_contract_field():
    snapshot = offering_in(PUBLISHING).snapshot()
    assert set(snapshot) == {
        "id",
        "name",
        "description",
        "specificationIds",
        "priceIds",
        "salesChannels",
        "lifecycleStatus",
        "publicationFailureReason",
        "sagaId",
        "publishedAt",
        "retiredAt",
        "version",
        "createdAt",
        "updatedAt",
    }
    assert snapshot["salesChannels"] == ["ONLINE"]
