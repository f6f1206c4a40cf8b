"""In-memory adapters so the use cases run in microseconds."""

from __future__ import annotations

import pytest

from catalog_testing import InMemoryAggregates, InMemoryReferenceUsages, InMemoryUnitOfWork
from pricing_service.application.ports import PriceQuery
from pricing_service.application.use_cases import PriceService


class FakePrices(InMemoryAggregates):
    RESOURCE = "price"

    async def list(self, query: PriceQuery):
        items = [
            p
            for p in self.rows.values()
            if (query.name_contains is None or query.name_contains.lower() in p.name.lower())
            and (query.currency is None or p.currency == query.currency)
            and (query.locked is None or p.locked == query.locked)
        ]
        items.sort(key=lambda p: p.name.lower(), reverse=query.descending)
        return items[query.offset : query.offset + query.limit], len(items)


class FakeUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.prices = FakePrices(self)
        self.offering_usages = InMemoryReferenceUsages()


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def service(uow) -> PriceService:
    return PriceService(uow_factory=lambda: uow)
