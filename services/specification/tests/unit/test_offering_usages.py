"""Offering events tell which offerings use each specification (catalog_chassis.usages
holds the mechanism; this service reads the offerings' specificationIds)."""

import uuid

import pytest

from catalog_chassis.usages import MalformedSnapshot, apply_referrer_event
from specification_service.application.use_cases import SpecificationFields
from specification_service.domain.offerings import OFFERING_USAGE_EVENTS

OFFERING = uuid.uuid4()
FIBRE, PRICE = uuid.uuid4(), uuid.uuid4()


def offering(status: str = "DRAFT", version: int = 1, **fields) -> dict:
    return {
        "id": str(OFFERING),
        "name": "Fibre deal",
        "specificationIds": [str(FIBRE)],
        "priceIds": [str(PRICE)],
        "lifecycleStatus": status,
        "version": version,
        **fields,
    }


@pytest.fixture
def usages(uow):
    return uow.offering_usages


async def offering_names_using(usages, specification_id) -> list[str]:
    return [o.name for o in await usages.referrers_of(specification_id)]


async def apply(usages, event_type: str, data: dict) -> None:
    await apply_referrer_event(usages, OFFERING_USAGE_EVENTS, event_type, data)


async def test_an_offering_uses_the_specifications_it_lists_not_its_prices(usages):
    await apply(usages, "OfferingCreated", offering())
    assert await offering_names_using(usages, FIBRE) == ["Fibre deal"]
    assert await offering_names_using(usages, PRICE) == []


async def test_retiring_the_offering_releases_its_specifications(usages):
    await apply(usages, "OfferingPublished", offering("PUBLISHED", version=3))
    await apply(usages, "OfferingRetired", offering("RETIRED", version=4))
    assert await offering_names_using(usages, FIBRE) == []


async def test_deleting_the_offering_releases_its_specifications(usages):
    await apply(usages, "OfferingCreated", offering())
    await apply(usages, "OfferingDeleted", {"id": str(OFFERING), "version": 2})
    assert await offering_names_using(usages, FIBRE) == []


@pytest.mark.parametrize(
    "broken", [{"specificationIds": None}, {"lifecycleStatus": "GONE"}, {"version": "1"}]
)
async def test_a_malformed_snapshot_is_refused_and_changes_nothing(usages, broken):
    with pytest.raises(MalformedSnapshot):
        await apply(usages, "OfferingUpdated", offering(**broken))
    assert usages.versions == {}


async def test_a_specification_can_be_deleted_once_its_offering_is_retired(service, uow, cached):
    created = await service.create(
        SpecificationFields(name="Fibre home", description=None, characteristic_ids=await cached(1))
    )
    await apply(
        uow.offering_usages, "OfferingCreated", offering(specificationIds=[str(created.id)])
    )
    await apply(
        uow.offering_usages,
        "OfferingRetired",
        offering("RETIRED", version=2, specificationIds=[str(created.id)]),
    )
    await service.delete(created.id)
    assert created.id not in uow.specifications.rows
