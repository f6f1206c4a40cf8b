"""In-memory adapters so the use cases run in microseconds."""

from __future__ import annotations

import pytest

from catalog_testing import InMemoryAggregates, InMemoryReferenceUsages, InMemoryUnitOfWork
from characteristic_service.application.ports import CharacteristicQuery
from characteristic_service.application.use_cases import CharacteristicService


class FakeCharacteristics(InMemoryAggregates):
    RESOURCE = "characteristic"

    async def list(self, query: CharacteristicQuery):
        items = [
            c
            for c in self.rows.values()
            if (query.name_contains is None or query.name_contains.lower() in c.name.lower())
            and (query.unit_of_measure is None or c.unit_of_measure == query.unit_of_measure)
        ]
        items.sort(key=lambda c: c.name.lower(), reverse=query.descending)
        return items[query.offset : query.offset + query.limit], len(items)


class FakeUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.characteristics = FakeCharacteristics(self)
        self.usages = InMemoryReferenceUsages()


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def service(uow) -> CharacteristicService:
    return CharacteristicService(uow_factory=lambda: uow)
