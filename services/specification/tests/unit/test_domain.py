import uuid
from datetime import UTC, datetime

import pytest

from catalog_chassis.errors import ValidationFailed
from specification_service.domain.characteristics import KnownCharacteristic, MalformedSnapshot
from specification_service.domain.model import (
    MAX_CHARACTERISTICS,
    Specification,
    SpecificationContent,
)


def errors_of(caught) -> dict[str, str]:
    return {e.field: e.message for e in caught.value.errors}


def content(name="Fibre home", description=None, ids=None) -> SpecificationContent:
    return SpecificationContent.validated(
        name=name,
        description=description,
        characteristic_ids=[uuid.uuid4()] if ids is None else ids,
    )


class TestSpecificationContent:
    def test_normalizes_the_name_and_trims_the_description(self):
        checked = content(name="  Fibre   home ", description="  Fast  ")
        assert (checked.name, checked.description) == ("Fibre home", "Fast")

    def test_a_blank_description_is_no_description(self):
        assert content(description="   ").description is None

    def test_drops_duplicate_characteristics_keeping_the_first_order(self):
        a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        assert content(ids=[b, a, b, c, a]).characteristic_ids == (b, a, c)

    @pytest.mark.parametrize(
        ("name", "message"),
        [("", "is required"), ("x" * 201, "at most 200"), ("Fibre!", "letters, digits")],
    )
    def test_names_follow_the_catalog_naming_rule(self, name, message):
        with pytest.raises(ValidationFailed) as caught:
            content(name=name)
        assert message in errors_of(caught)["name"]

    def test_description_is_at_most_2000_characters(self):
        content(description="d" * 2000)
        with pytest.raises(ValidationFailed) as caught:
            content(description="d" * 2001)
        assert "2000" in errors_of(caught)["description"]

    def test_needs_at_least_one_characteristic(self):
        with pytest.raises(ValidationFailed) as caught:
            content(ids=[])
        assert "at least one" in errors_of(caught)["characteristicIds"]

    def test_refuses_more_characteristics_than_the_bound(self):
        with pytest.raises(ValidationFailed) as caught:
            content(ids=[uuid.uuid4() for _ in range(MAX_CHARACTERISTICS + 1)])
        assert "characteristicIds" in errors_of(caught)

    def test_reports_every_invalid_field_at_once(self):
        with pytest.raises(ValidationFailed) as caught:
            content(name="", description="d" * 2001, ids=[])
        assert set(errors_of(caught)) == {"name", "description", "characteristicIds"}


class TestSpecificationLifecycle:
    def test_create_records_an_event_with_the_full_snapshot(self):
        ids = [uuid.uuid4(), uuid.uuid4()]
        spec = Specification.create(content(description="Home fibre", ids=ids))
        [event] = spec.collect_events()
        assert (event.type, event.routing_key) == ("SpecificationCreated", "specification.created")
        assert event.aggregate_id == str(spec.id)
        assert event.data == {
            "id": str(spec.id),
            "name": "Fibre home",
            "description": "Home fibre",
            "characteristicIds": [str(i) for i in ids],
            "version": 1,
            "createdAt": event.data["createdAt"],
            "updatedAt": event.data["updatedAt"],
        }
        assert event.data["createdAt"].endswith("Z")

    def test_update_bumps_the_version_and_records_an_event(self):
        spec = Specification.create(content())
        spec.collect_events()
        assert spec.update(content(name="Fibre pro", ids=spec.characteristic_ids)) is True
        [event] = spec.collect_events()
        assert event.type == "SpecificationUpdated" and event.data["version"] == 2
        assert event.data["name"] == "Fibre pro"

    def test_an_update_that_changes_nothing_is_not_an_event(self):
        spec = Specification.create(content(description="x"))
        spec.collect_events()
        same = content(name=" Fibre  home", description=" x ", ids=spec.characteristic_ids * 2)
        assert spec.update(same) is False
        assert spec.collect_events() == [] and spec.version == 1

    def test_reordering_characteristics_is_a_change(self):
        a, b = uuid.uuid4(), uuid.uuid4()
        spec = Specification.create(content(ids=[a, b]))
        assert spec.update(content(ids=[b, a])) is True

    def test_delete_records_a_deleted_event_at_the_next_version(self):
        spec = Specification.create(content())
        spec.collect_events()
        spec.delete()
        [event] = spec.collect_events()
        assert event.routing_key == "specification.deleted" and event.data["version"] == 2

    def test_references_added_by_lists_only_new_ids_in_order(self):
        a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        spec = Specification.create(content(ids=[a, b]))
        assert spec.references_added_by(content(ids=[c, b, a])) == [c]


class TestKnownCharacteristic:
    def snapshot(self, **overrides):
        return {
            "id": str(uuid.uuid4()),
            "name": "Download speed",
            "value": "100",
            "unitOfMeasure": "Mbps",
            "version": 3,
            "createdAt": "2026-01-01T10:00:00Z",
            "updatedAt": "2026-01-02T10:00:00.123456Z",
            **overrides,
        }

    def test_reads_the_characteristic_services_snapshot(self):
        data = self.snapshot()
        known = KnownCharacteristic.from_snapshot(data)
        assert str(known.id) == data["id"] and known.unit_of_measure == "Mbps"
        assert known.version == 3
        assert known.updated_at == datetime(2026, 1, 2, 10, 0, 0, 123456, tzinfo=UTC)

    @pytest.mark.parametrize(
        "broken",
        [{"id": "nope"}, {"version": "3"}, {"version": True}, {"updatedAt": "yesterday"}],
    )
    def test_refuses_malformed_snapshots(self, broken):
        with pytest.raises(MalformedSnapshot):
            KnownCharacteristic.from_snapshot(self.snapshot(**broken))

    def test_refuses_a_snapshot_missing_a_field(self):
        data = self.snapshot()
        del data["unitOfMeasure"]
        with pytest.raises(MalformedSnapshot):
            KnownCharacteristic.from_snapshot(data)
