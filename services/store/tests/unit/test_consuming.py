"""The projection consumer: once per event id, bad data refused, the lag observed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from catalog_chassis.references import MalformedSnapshot
from store_service.application.consuming import ProjectionConsumer

from . import snapshots as s


class FakeProcessed:
    def __init__(self) -> None:
        self.ids: set[tuple[str, uuid.UUID]] = set()

    async def seen(self, consumer, event_id):
        return (consumer, event_id) in self.ids

    async def remember(self, consumer, event_id):
        self.ids.add((consumer, event_id))


@pytest.fixture
def lags() -> list[float]:
    return []


@pytest.fixture
def consumer(projection, lags) -> ProjectionConsumer:
    moment = datetime(2026, 11, 29, 10, 0, 1, tzinfo=UTC).timestamp()
    return ProjectionConsumer(
        projection=projection,
        processed=FakeProcessed(),
        observe_lag=lags.append,
        clock=lambda: moment,
    )


async def test_an_event_is_applied_once_and_its_lag_observed(consumer, components, lags):
    event_id, at = uuid.uuid4(), datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    price = s.price(uuid.uuid4())

    assert await consumer.handle("store.prices", event_id, "PriceCreated", at, price) is True
    assert await consumer.handle("store.prices", event_id, "PriceCreated", at, price) is False
    assert len(components.rows) == 1
    assert lags == [1.0]


async def test_bad_data_is_refused_and_not_remembered(consumer):
    event_id = uuid.uuid4()

    with pytest.raises(MalformedSnapshot):
        await consumer.handle("store.prices", event_id, "PriceCreated", datetime.now(UTC), {})
    assert not await consumer.processed.seen("store.prices", event_id)
