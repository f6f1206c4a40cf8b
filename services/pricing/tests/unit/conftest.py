"""In-memory adapters so the use cases run in microseconds."""

from __future__ import annotations

import copy
import uuid

import pytest

from catalog_chassis.errors import PreconditionFailed
from catalog_chassis.naming import name_key
from pricing_service.application.ports import PriceQuery
from pricing_service.application.use_cases import PriceService
from pricing_service.domain.model import Price


class FakePrices:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self.rows: dict[uuid.UUID, Price] = {}

    async def get(self, price_id, *, for_update=False):
        found = self.rows.get(price_id)
        return self._uow.track(copy.deepcopy(found)) if found else None

    async def name_taken(self, name, *, excluding=None):
        return any(
            name_key(p.name) == name_key(name) and p.id != excluding for p in self.rows.values()
        )

    async def add(self, price):
        self._uow.track(price)
        self._uow.staged.append(("put", price))

    async def save(self, price, *, expected_version):
        if self.rows[price.id].version != expected_version:
            raise PreconditionFailed("stale")
        self._uow.staged.append(("put", price))

    async def remove(self, price, *, expected_version):
        if self.rows[price.id].version != expected_version:
            raise PreconditionFailed("stale")
        self._uow.staged.append(("delete", price))

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


class FakeUnitOfWork:
    """Applies staged writes and keeps the published events only on commit."""

    def __init__(self) -> None:
        self.prices = FakePrices(self)
        self.staged: list[tuple[str, Price]] = []
        self.tracked: list[Price] = []
        self.events: list = []
        self.commits = 0

    def track(self, aggregate):
        self.tracked.append(aggregate)
        return aggregate

    async def __aenter__(self):
        self.staged, self.tracked = [], []
        return self

    async def __aexit__(self, *exc_info):
        self.staged = []

    async def commit(self):
        # Events first, so that the stored copies do not carry them into later loads.
        for aggregate in self.tracked:
            self.events.extend(aggregate.collect_events())
        for action, price in self.staged:
            if action == "put":
                self.prices.rows[price.id] = copy.deepcopy(price)
            else:
                self.prices.rows.pop(price.id)
        self.staged = []
        self.commits += 1


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def service(uow) -> PriceService:
    return PriceService(uow_factory=lambda: uow)
