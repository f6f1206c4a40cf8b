import uuid
from decimal import Decimal

import pytest

from catalog_chassis.errors import Conflict, Locked, ValidationFailed
from pricing_service.domain.model import Price, PriceTerms


def terms(name="Fibre 100 (monthly)", value="19.99", unit="per month", currency="EUR"):
    return PriceTerms.parse(name=name, value=value, unit=unit, currency=currency)


def new_price(**kwargs) -> Price:
    price = Price.create(terms(**kwargs))
    price.collect_events()
    return price


def errors_of(caught) -> dict[str, str]:
    return {e.field: e.message for e in caught.value.errors}


SAGA, OTHER_SAGA = uuid.uuid4(), uuid.uuid4()


class TestPriceTerms:
    def test_normalizes_whitespace_and_parses_the_amount(self):
        parsed = terms(name="  Basic   plan ", value="20", unit=" per   month ")
        assert (parsed.name, parsed.value, parsed.unit) == (
            "Basic plan",
            Decimal("20.00"),
            "per month",
        )

    @pytest.mark.parametrize(
        "name", ["Plan v1.2 - annual, EUR", "Bundle 2/3", "Fibre_100 (monthly)", "Tarifa básica"]
    )
    def test_names_may_use_the_punctuation_of_price_names(self, name):
        assert terms(name=name).name == name

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("", "is required"),
            ("   ", "is required"),
            ("x" * 201, "at most 200"),
            ("Price <b>", "letters, digits, spaces"),
            ('Say "cheap"', "letters, digits, spaces"),
            ("€ 5", "letters, digits, spaces"),
        ],
    )
    def test_refuses_bad_names(self, name, message):
        with pytest.raises(ValidationFailed) as caught:
            terms(name=name)
        assert message in errors_of(caught)["name"]

    @pytest.mark.parametrize(
        ("unit", "message"),
        [
            ("", "is required"),
            ("  ", "is required"),
            ("u" * 51, "at most 50"),
            ("per\x00month", "printable"),
        ],
    )
    def test_refuses_bad_units(self, unit, message):
        with pytest.raises(ValidationFailed) as caught:
            terms(unit=unit)
        assert message in errors_of(caught)["unit"]

    def test_reports_every_invalid_field_at_once(self):
        with pytest.raises(ValidationFailed) as caught:
            terms(name="", value="0", unit="", currency="GBP")
        assert set(errors_of(caught)) == {"name", "value", "unit", "currency"}


class TestCreatingAndChanging:
    def test_create_records_a_created_event_with_the_full_snapshot(self):
        price = Price.create(terms(value="20"))
        [event] = price.collect_events()
        assert (event.type, event.routing_key) == ("PriceCreated", "price.created")
        assert event.aggregate_id == str(price.id)
        assert event.data == price.snapshot()
        assert event.data["value"] == "20.00" and event.data["currency"] == "EUR"
        assert event.data["locked"] is False and event.data["lockedBySagaId"] is None
        assert event.data["version"] == 1

    def test_update_bumps_the_version_and_records_an_event(self):
        price = new_price()
        assert price.update(terms(value="24.50")) is True
        [event] = price.collect_events()
        assert event.routing_key == "price.updated"
        assert (event.data["value"], event.data["version"]) == ("24.50", 2)

    def test_an_update_that_changes_nothing_is_not_an_event(self):
        price = new_price()
        assert price.update(terms(name=" Fibre 100  (monthly)", value="19.99")) is False
        assert price.collect_events() == [] and price.version == 1

    def test_delete_records_a_deleted_event(self):
        price = new_price()
        price.delete()
        [event] = price.collect_events()
        assert event.routing_key == "price.deleted" and event.data["version"] == 2


class TestLocking:
    def test_lock_records_the_saga_bumps_the_version_and_raises_price_locked(self):
        price = new_price()
        assert price.lock(SAGA) is True
        assert price.locked and price.locked_by_saga_id == SAGA and price.version == 2
        [event] = price.collect_events()
        assert (event.type, event.routing_key) == ("PriceLocked", "price.locked")
        assert event.data["locked"] is True and event.data["lockedBySagaId"] == str(SAGA)
        assert event.data["version"] == 2

    def test_locking_again_for_the_same_saga_changes_nothing(self):
        price = new_price()
        price.lock(SAGA)
        price.collect_events()
        assert price.lock(SAGA) is False
        assert price.version == 2 and price.collect_events() == []

    def test_another_saga_cannot_take_the_lock(self):
        price = new_price()
        price.lock(SAGA)
        price.collect_events()
        with pytest.raises(Conflict, match=str(SAGA)):
            price.lock(OTHER_SAGA)
        assert price.locked_by_saga_id == SAGA and price.collect_events() == []

    def test_unlock_by_the_locking_saga_releases_it_and_raises_price_unlocked(self):
        price = new_price()
        price.lock(SAGA)
        price.collect_events()
        assert price.unlock(SAGA) is True
        assert not price.locked and price.version == 3
        [event] = price.collect_events()
        assert event.routing_key == "price.unlocked" and event.type == "PriceUnlocked"
        assert event.data["locked"] is False and event.data["lockedBySagaId"] is None

    def test_another_saga_cannot_unlock_it(self):
        price = new_price()
        price.lock(SAGA)
        price.collect_events()
        with pytest.raises(Conflict):
            price.unlock(OTHER_SAGA)
        assert price.locked_by_saga_id == SAGA and price.collect_events() == []

    def test_unlocking_an_unlocked_price_is_a_no_op_for_any_saga(self):
        price = new_price()
        assert price.unlock(SAGA) is False
        assert price.version == 1 and price.collect_events() == []

    def test_a_locked_price_can_be_neither_updated_nor_deleted(self):
        price = new_price()
        price.lock(SAGA)
        price.collect_events()
        with pytest.raises(Locked, match=str(SAGA)):
            price.update(terms(value="1"))
        with pytest.raises(Locked, match=str(SAGA)):
            price.delete()
        assert price.value == Decimal("19.99") and price.version == 2
        assert price.collect_events() == []

    def test_after_unlocking_it_can_change_and_be_locked_by_another_saga(self):
        price = new_price()
        price.lock(SAGA)
        price.unlock(SAGA)
        assert price.update(terms(value="1")) is True
        assert price.lock(OTHER_SAGA) is True
        assert [e.type for e in price.collect_events()] == [
            "PriceLocked",
            "PriceUnlocked",
            "PriceUpdated",
            "PriceLocked",
        ]
