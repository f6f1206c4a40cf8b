"""The projection consumer: once per event id, poison for bad data, the lag observed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from catalog_chassis.messaging import CloudEvent, PoisonMessage
from store_service.application.consuming import ProjectionConsumer

from . import snapshots as s


class FakeProcessed:
    def __init__(self) -> None:
        self.ids: set[tuple[str, uuid.UUID]] = set()

    async def seen(self, consumer, event_id):
        return (consumer, event_id) in self.ids

    async def remember(self, consumer, event_id):
        self.ids.add((consumer, event_id))


def event(event_type: str, data: dict, at: datetime) -> CloudEvent:
    return CloudEvent(
        id=uuid.uuid4(),
        source="/catalog/pricing",
        type=event_type,
        time=at,
        subject=data.get("id", "x"),
        data=data,
    )


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
    created = event(
        "PriceCreated", s.price(uuid.uuid4()), datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    )

    assert await consumer("store.prices", created) is True
    assert await consumer("store.prices", created) is False
    assert len(components.rows) == 1
    assert lags == [1.0]


async def test_bad_data_is_a_poison_message(consumer):
    broken = event("PriceCreated", {"id": "x"}, datetime.now(UTC))

    with pytest.raises(PoisonMessage):
        await consumer("store.prices", broken)
