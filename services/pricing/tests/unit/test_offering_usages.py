"""Offering events tell which offerings use each price (catalog_chassis.usages holds the
mechanism; this service reads the offerings' priceIds), and a price in use is kept."""

import uuid

import pytest

from catalog_chassis.errors import Conflict
from catalog_chassis.usages import MalformedSnapshot, apply_referrer_event
from pricing_service.application.use_cases import PriceFields
from pricing_service.domain.offerings import OFFERING_USAGE_EVENTS


def offering_snapshot(price_ids, *, status="DRAFT", version=1, name="Fibre deal", **fields):
    return {
        "id": str(fields.pop("id", OFFERING)),
        "name": name,
        "specificationIds": [str(SPECIFICATION)],
        "priceIds": [str(p) for p in price_ids],
        "lifecycleStatus": status,
        "version": version,
        **fields,
    }


OFFERING, SPECIFICATION = uuid.uuid4(), uuid.uuid4()


async def hear(uow, event_type: str, snapshot: dict) -> None:
    await apply_referrer_event(uow.offering_usages, OFFERING_USAGE_EVENTS, event_type, snapshot)


@pytest.fixture
async def price(service):
    return await service.create(
        PriceFields(name="Basic monthly", value="19.99", unit="per month", currency="EUR")
    )


class TestOfferingEvents:
    async def test_an_offering_uses_the_prices_it_lists_not_its_specifications(self, uow, price):
        await hear(uow, "OfferingCreated", offering_snapshot([price.id]))
        assert [o.id for o in await uow.offering_usages.referrers_of(price.id)] == [OFFERING]
        assert await uow.offering_usages.referrers_of(SPECIFICATION) == []

    @pytest.mark.parametrize(
        "broken", [{"priceIds": "all"}, {"lifecycleStatus": None}, {"id": "offering-1"}]
    )
    async def test_a_malformed_snapshot_is_refused_and_changes_nothing(self, uow, price, broken):
        with pytest.raises(MalformedSnapshot):
            await hear(uow, "OfferingPublished", offering_snapshot([price.id], **broken))
        assert uow.offering_usages.by_referrer == {}


class TestDeleteWhileUsed:
    async def test_a_price_used_by_offerings_is_a_conflict_naming_them(self, service, uow, price):
        other = uuid.uuid4()
        await hear(uow, "OfferingCreated", offering_snapshot([price.id]))
        await hear(uow, "OfferingCreated", offering_snapshot([price.id], id=other, name="Combo"))
        with pytest.raises(Conflict) as caught:
            await service.delete(price.id)
        assert caught.value.detail == (
            f"The price 'Basic monthly' is used by offerings 'Combo' ({other}), "
            f"'Fibre deal' ({OFFERING}); remove it from them first."
        )
        assert price.id in uow.prices.rows and [e.type for e in uow.events] == ["PriceCreated"]

    async def test_once_its_offering_is_retired_it_can_be_deleted(self, service, uow, price):
        await hear(uow, "OfferingPublished", offering_snapshot([price.id], status="PUBLISHED"))
        await hear(
            uow, "OfferingRetired", offering_snapshot([price.id], status="RETIRED", version=2)
        )
        await service.delete(price.id)
        assert uow.prices.rows == {}

    async def test_once_its_offering_is_deleted_it_can_be_deleted(self, service, uow, price):
        await hear(uow, "OfferingCreated", offering_snapshot([price.id]))
        await hear(uow, "OfferingDeleted", {"id": str(OFFERING), "version": 2})
        await service.delete(price.id)
        assert uow.prices.rows == {}
