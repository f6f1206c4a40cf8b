import pytest

from catalog_chassis.errors import ValidationFailed
from characteristic_service.domain.model import Characteristic
from characteristic_service.domain.units import UnitCategory, UnitOfMeasure


def errors_of(caught) -> dict[str, str]:
    return {e.field: e.message for e in caught.value.errors}


class TestCreatingACharacteristic:
    def test_records_a_created_event_with_the_snapshot(self):
        c = Characteristic.create(name="Download speed", value="100", unit_of_measure="Mbps")
        [event] = c.collect_events()
        assert event.type == "CharacteristicCreated"
        assert event.routing_key == "characteristic.created"
        assert event.aggregate_id == str(c.id)
        assert event.data["unitOfMeasure"] == "Mbps" and event.data["version"] == 1

    def test_normalizes_whitespace_in_name_and_value(self):
        c = Characteristic.create(name="  Download   speed ", value=" 100 ", unit_of_measure="Mbps")
        assert (c.name, c.value) == ("Download speed", "100")

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("", "is required"),
            ("   ", "is required"),
            ("x" * 201, "at most 200"),
            ("Speed!", "letters, digits and spaces"),
            ("Speed_1", "letters, digits and spaces"),
        ],
    )
    def test_refuses_bad_names(self, name, message):
        with pytest.raises(ValidationFailed) as caught:
            Characteristic.create(name=name, value="1", unit_of_measure="None")
        assert message in errors_of(caught)["name"]

    def test_accepts_letters_of_any_script_and_digits(self):
        Characteristic.create(name="Geschwindigkeit Über 5G", value="1", unit_of_measure="None")

    @pytest.mark.parametrize(("value", "message"), [("", "required"), ("v" * 101, "at most 100")])
    def test_refuses_bad_values(self, value, message):
        with pytest.raises(ValidationFailed) as caught:
            Characteristic.create(name="Speed", value=value, unit_of_measure="None")
        assert message in errors_of(caught)["value"]

    def test_refuses_unknown_units(self):
        with pytest.raises(ValidationFailed) as caught:
            Characteristic.create(name="Speed", value="1", unit_of_measure="furlongs")
        assert "unitOfMeasure" in errors_of(caught)

    def test_reports_every_invalid_field_at_once(self):
        with pytest.raises(ValidationFailed) as caught:
            Characteristic.create(name="", value="", unit_of_measure="?")
        assert set(errors_of(caught)) == {"name", "value", "unitOfMeasure"}


class TestChangingACharacteristic:
    def test_update_bumps_the_version_and_records_an_event(self):
        c = Characteristic.create(name="Speed", value="1", unit_of_measure="Mbps")
        c.collect_events()
        assert c.update(name="Speed", value="2", unit_of_measure="Gbps") is True
        [event] = c.collect_events()
        assert event.type == "CharacteristicUpdated" and event.data["version"] == 2
        assert event.data["value"] == "2"

    def test_an_update_that_changes_nothing_is_not_an_event(self):
        c = Characteristic.create(name="Speed", value="1", unit_of_measure="Mbps")
        c.collect_events()
        assert c.update(name=" Speed ", value="1", unit_of_measure="Mbps") is False
        assert c.collect_events() == [] and c.version == 1

    def test_delete_records_a_deleted_event(self):
        c = Characteristic.create(name="Speed", value="1", unit_of_measure="Mbps")
        c.collect_events()
        c.delete()
        [event] = c.collect_events()
        assert event.routing_key == "characteristic.deleted" and event.data["version"] == 2


class TestUnits:
    def test_every_unit_has_a_category(self):
        assert {u.category for u in UnitOfMeasure} == set(UnitCategory)

    def test_cover_the_required_ranges(self):
        values = {u.value for u in UnitOfMeasure}
        assert {
            "bps",
            "Tbps",
            "B",
            "PB",
            "Hz",
            "GHz",
            "Volt",
            "Ampere",
            "Watt",
            "kWh",
            "ms",
            "year",
            "count",
            "percent",
            "None",
        } <= values
