import uuid

import pytest

from catalog_chassis.errors import Conflict
from catalog_chassis.usages import (
    MalformedSnapshot,
    Referrer,
    ReferrerEvents,
    ReferrerRelease,
    ReferrerUsage,
    apply_referrer_event,
    ensure_unused,
    offering_events,
)
from catalog_testing import InMemoryReferenceUsages

BUNDLE = uuid.uuid4()
PART, OTHER_PART = uuid.uuid4(), uuid.uuid4()

BUNDLE_EVENTS = ReferrerEvents(
    referrer="bundle",
    ids_field="partIds",
    recording=frozenset({"BundleCreated", "BundleUpdated"}),
    releasing=frozenset({"BundleDeleted"}),
)


def bundle(version: int, part_ids, name: str = "Starter kit") -> dict:
    return {
        "id": str(BUNDLE),
        "name": name,
        "version": version,
        "partIds": [str(p) for p in part_ids],
    }


@pytest.fixture
def usages() -> InMemoryReferenceUsages:
    return InMemoryReferenceUsages()


async def apply(usages, event_type: str, snapshot: dict) -> bool:
    return await apply_referrer_event(usages, BUNDLE_EVENTS, event_type, snapshot)


async def names_using(usages, part_id) -> list[str]:
    return [referrer.name for referrer in await usages.referrers_of(part_id)]


class TestApplyingEvents:
    async def test_a_snapshot_records_each_id_it_lists_as_used(self, usages):
        assert await apply(usages, "BundleCreated", bundle(1, [PART, OTHER_PART]))
        assert await names_using(usages, PART) == ["Starter kit"]
        assert await names_using(usages, OTHER_PART) == ["Starter kit"]

    async def test_a_newer_snapshot_replaces_the_referrers_usages(self, usages):
        await apply(usages, "BundleCreated", bundle(1, [PART]))
        await apply(usages, "BundleUpdated", bundle(2, [OTHER_PART], name="Pro kit"))
        assert await names_using(usages, PART) == []
        assert await names_using(usages, OTHER_PART) == ["Pro kit"]

    async def test_a_release_forgets_the_usages(self, usages):
        await apply(usages, "BundleCreated", bundle(1, [PART]))
        assert await apply(usages, "BundleDeleted", {"id": str(BUNDLE), "version": 2})
        assert await names_using(usages, PART) == []

    async def test_an_older_version_arriving_late_is_ignored(self, usages):
        await apply(usages, "BundleUpdated", bundle(2, [OTHER_PART]))
        assert not await apply(usages, "BundleCreated", bundle(1, [PART]))
        assert await names_using(usages, PART) == []
        assert await names_using(usages, OTHER_PART) == ["Starter kit"]

    async def test_a_late_snapshot_cannot_bring_released_usages_back(self, usages):
        await apply(usages, "BundleCreated", bundle(1, [PART]))
        await apply(usages, "BundleDeleted", bundle(3, [PART]))
        assert not await apply(usages, "BundleUpdated", bundle(2, [PART]))
        assert await names_using(usages, PART) == []

    async def test_a_second_event_at_the_same_version_is_ignored(self, usages):
        assert await apply(usages, "BundleCreated", bundle(1, [PART]))
        assert not await apply(usages, "BundleCreated", bundle(1, [PART]))
        # Not even when it says something else: only a newer version is news.
        assert not await apply(usages, "BundleUpdated", bundle(1, [OTHER_PART]))
        assert await names_using(usages, PART) == ["Starter kit"]
        assert await names_using(usages, OTHER_PART) == []

    async def test_other_event_types_change_nothing(self, usages):
        assert not await apply(usages, "BundleArchived", {"nonsense": True})
        assert usages.versions == {} and usages.by_referrer == {}

    async def test_referrers_are_listed_by_name(self, usages):
        for name in ("Zeta", "Alpha"):
            usage = ReferrerUsage(
                referrer=Referrer(id=uuid.uuid4(), name=name),
                version=1,
                referenced_ids=frozenset({PART}),
            )
            await usages.record(usage)
        assert await names_using(usages, PART) == ["Alpha", "Zeta"]


class TestReadingSnapshots:
    def test_ids_are_read_as_a_set(self):
        usage = BUNDLE_EVENTS.change("BundleUpdated", bundle(4, [PART, PART, OTHER_PART]))
        assert usage == ReferrerUsage(
            referrer=Referrer(id=BUNDLE, name="Starter kit"),
            version=4,
            referenced_ids=frozenset({PART, OTHER_PART}),
        )

    def test_a_releasing_event_needs_only_the_id_and_version(self):
        change = BUNDLE_EVENTS.change("BundleDeleted", {"id": str(BUNDLE), "version": 5})
        assert change == ReferrerRelease(referrer_id=BUNDLE, version=5)

    @pytest.mark.parametrize(
        "broken",
        [
            {"id": "x"},
            {"version": "2"},
            {"version": True},
            {"partIds": "abc"},
            {"partIds": [1]},
            {"partIds": None},
        ],
    )
    def test_malformed_data_is_refused(self, broken):
        with pytest.raises(MalformedSnapshot):
            BUNDLE_EVENTS.change("BundleCreated", {**bundle(1, [PART]), **broken})

    @pytest.mark.parametrize("missing", ["id", "name", "version", "partIds"])
    def test_a_missing_field_is_refused(self, missing):
        snapshot = bundle(1, [PART])
        del snapshot[missing]
        with pytest.raises(MalformedSnapshot):
            BUNDLE_EVENTS.change("BundleCreated", snapshot)


def offering(status: str, version: int = 1, **fields) -> dict:
    return {
        "id": str(BUNDLE),
        "name": "Fibre deal",
        "version": version,
        "specificationIds": [str(PART)],
        "priceIds": [str(OTHER_PART)],
        "lifecycleStatus": status,
        **fields,
    }


class TestOfferingEvents:
    @pytest.mark.parametrize(
        ("event_type", "status"),
        [
            ("OfferingCreated", "DRAFT"),
            ("OfferingUpdated", "DRAFT"),
            ("OfferingPublicationInitiated", "PUBLISHING"),
            ("OfferingPublished", "PUBLISHED"),
            ("OfferingPublicationFailed", "DRAFT"),
        ],
    )
    def test_an_offering_that_is_not_retired_uses_what_its_ids_field_lists(
        self, event_type, status
    ):
        change = offering_events("priceIds").change(event_type, offering(status))
        assert isinstance(change, ReferrerUsage)
        assert change.referenced_ids == {OTHER_PART}

    def test_each_reader_reads_its_own_ids_field(self):
        change = offering_events("specificationIds").change("OfferingCreated", offering("DRAFT"))
        assert isinstance(change, ReferrerUsage) and change.referenced_ids == {PART}

    def test_a_retired_offering_releases_its_usages(self):
        change = offering_events("priceIds").change("OfferingRetired", offering("RETIRED", 7))
        assert change == ReferrerRelease(referrer_id=BUNDLE, version=7)

    def test_a_deleted_offering_releases_its_usages(self):
        deleted = {"id": str(BUNDLE), "version": 3}
        change = offering_events("priceIds").change("OfferingDeleted", deleted)
        assert change == ReferrerRelease(referrer_id=BUNDLE, version=3)

    @pytest.mark.parametrize("status", ["ARCHIVED", None, 3])
    def test_an_unknown_lifecycle_status_is_refused(self, status):
        with pytest.raises(MalformedSnapshot):
            offering_events("priceIds").change("OfferingUpdated", offering(status))

    def test_a_missing_lifecycle_status_is_refused(self):
        snapshot = offering("DRAFT")
        del snapshot["lifecycleStatus"]
        with pytest.raises(MalformedSnapshot):
            offering_events("priceIds").change("OfferingUpdated", snapshot)


class TestEnsureUnused:
    def test_without_referrers_it_passes(self):
        ensure_unused("price", "Basic", [], referrer_kind="offerings")

    def test_with_referrers_it_is_a_conflict_naming_each(self):
        fibre, mobile = (
            Referrer(id=uuid.uuid4(), name="Fibre"),
            Referrer(id=uuid.uuid4(), name="Mobile"),
        )
        with pytest.raises(Conflict) as caught:
            ensure_unused("price", "Basic", [fibre, mobile], referrer_kind="offerings")
        assert caught.value.detail == (
            f"The price 'Basic' is used by offerings 'Fibre' ({fibre.id}), "
            f"'Mobile' ({mobile.id}); remove it from them first."
        )
