"""In-memory adapters so the use cases run in microseconds."""

from __future__ import annotations

import uuid

import pytest

from catalog_chassis.testing import InMemoryAggregates, InMemoryUnitOfWork
from characteristic_service.application.ports import CharacteristicQuery
from characteristic_service.application.use_cases import CharacteristicService
from characteristic_service.domain.usages import SpecificationUsage


class FakeCharacteristics(InMemoryAggregates):
    async def list(self, query: CharacteristicQuery):
        items = [
            c
            for c in self.rows.values()
            if (query.name_contains is None or query.name_contains.lower() in c.name.lower())
            and (query.unit_of_measure is None or c.unit_of_measure == query.unit_of_measure)
        ]
        items.sort(key=lambda c: c.name.lower(), reverse=query.descending)
        return items[query.offset : query.offset + query.limit], len(items)


class FakeUsages:
    """Applies writes at once: the real adapter's record and release are atomic."""

    def __init__(self) -> None:
        self.versions: dict[uuid.UUID, int] = {}
        self.by_specification: dict[uuid.UUID, SpecificationUsage] = {}

    async def specifications_using(self, characteristic_id):
        using = [
            u.specification
            for u in self.by_specification.values()
            if characteristic_id in u.characteristic_ids
        ]
        return sorted(using, key=lambda s: s.name)

    async def record(self, usage):
        if not self._advance(usage.specification.id, usage.version):
            return False
        self.by_specification[usage.specification.id] = usage
        return True

    async def release(self, specification_id, *, version):
        if not self._advance(specification_id, version):
            return False
        self.by_specification.pop(specification_id, None)
        return True

    def _advance(self, specification_id, version):
        if self.versions.get(specification_id, 0) >= version:
            return False
        self.versions[specification_id] = version
        return True


class FakeUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.characteristics = FakeCharacteristics(self)
        self.usages = FakeUsages()


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def service(uow) -> CharacteristicService:
    return CharacteristicService(uow_factory=lambda: uow)
