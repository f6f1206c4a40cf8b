"""Pricing's saga steps against in-memory adapters: locking an offering's prices for its
saga (and naming what stops it), and releasing exactly what the saga holds."""

from __future__ import annotations

import uuid

import pytest

from catalog_chassis.workflow.tasks import BusinessError, ExternalTask
from catalog_testing import saga_task
from pricing_service.application.saga_steps import PRICE_GONE, PRICE_LOCKED, PricingSagaSteps
from pricing_service.application.use_cases import PriceFields

SAGA, OTHER_SAGA = uuid.uuid4(), uuid.uuid4()


def task(topic: str, price_ids, saga: uuid.UUID = SAGA) -> ExternalTask:
    return saga_task(topic, sagaId=str(saga), priceIds=[str(p) for p in price_ids])


async def price(service, name: str) -> uuid.UUID:
    created = await service.create(
        PriceFields(name=name, value="19.99", unit="per month", currency="EUR")
    )
    return created.id


@pytest.fixture
def steps(service) -> PricingSagaSteps:
    return PricingSagaSteps(service)


async def test_locks_every_price_for_the_saga_once(steps, service, uow):
    ids = [await price(service, "Monthly"), await price(service, "Setup")]

    await steps.lock_prices(task("lock-prices", ids))
    await steps.lock_prices(task("lock-prices", ids))  # delivered twice: acts once

    assert [(await service.get(i)).locked_by_saga_id for i in ids] == [SAGA, SAGA]
    locked_events = [e for e in uow.events if e.routing_key == "price.locked"]
    assert len(locked_events) == 2


async def test_a_price_locked_by_another_publication_is_named(steps, service):
    taken = await price(service, "Monthly")
    await service.lock(taken, OTHER_SAGA)

    with pytest.raises(BusinessError) as refused:
        await steps.lock_prices(task("lock-prices", [taken]))

    assert refused.value.code == PRICE_LOCKED
    assert "'Monthly'" in refused.value.reason and "another publication" in refused.value.reason
    assert (await service.get(taken)).locked_by_saga_id == OTHER_SAGA


async def test_a_price_that_is_gone_is_named(steps):
    missing = uuid.uuid4()
    with pytest.raises(BusinessError) as refused:
        await steps.lock_prices(task("lock-prices", [missing]))
    assert refused.value.code == PRICE_GONE and str(missing) in refused.value.reason


async def test_unlock_releases_only_what_the_saga_holds(steps, service):
    mine, theirs, free = [await price(service, n) for n in ("Mine", "Theirs", "Free")]
    await service.lock(mine, SAGA)
    await service.lock(theirs, OTHER_SAGA)

    await steps.unlock_prices(task("unlock-prices", [mine, theirs, free, uuid.uuid4()]))
    await steps.unlock_prices(task("unlock-prices", [mine]))  # repeated: no harm

    assert (await service.get(mine)).locked_by_saga_id is None
    assert (await service.get(theirs)).locked_by_saga_id == OTHER_SAGA
    assert (await service.get(free)).locked_by_saga_id is None
