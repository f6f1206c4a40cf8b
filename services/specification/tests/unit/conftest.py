"""In-memory adapters so the use cases run in microseconds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from catalog_chassis.errors import ServiceUnavailable
from catalog_testing import (
    InMemoryAggregates,
    InMemoryReferenceCache,
    InMemoryReferenceUsages,
    InMemoryUnitOfWork,
)
from specification_service.application.ports import SpecificationQuery
from specification_service.application.references import CharacteristicReferences
from specification_service.application.use_cases import SpecificationService
from specification_service.domain.characteristics import KnownCharacteristic


def known_characteristic(version: int = 1, **overrides) -> KnownCharacteristic:
    values = {
        "id": uuid.uuid4(),
        "name": "Download speed",
        "value": "100",
        "unit_of_measure": "Mbps",
        "version": version,
        "updated_at": datetime.now(UTC),
    }
    return KnownCharacteristic(**{**values, **overrides})


class FakeSpecifications(InMemoryAggregates):
    RESOURCE = "specification"

    async def list(self, query: SpecificationQuery):
        items = [
            s
            for s in self.rows.values()
            if (query.name_contains is None or query.name_contains.lower() in s.name.lower())
            and (query.characteristic_id is None or query.characteristic_id in s.characteristic_ids)
        ]
        items.sort(key=lambda s: s.name.lower(), reverse=query.descending)
        return items[query.offset : query.offset + query.limit], len(items)


class FakeUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.specifications = FakeSpecifications(self)
        self.characteristic_cache = InMemoryReferenceCache()
        self.offering_usages = InMemoryReferenceUsages()


class FakeDirectory:
    """The characteristic service: knows ``existing``; ``down`` makes every lookup fail."""

    def __init__(self) -> None:
        self.existing: dict[uuid.UUID, KnownCharacteristic] = {}
        self.down = False
        self.lookups: list[tuple[uuid.UUID, str | None]] = []

    async def find(self, characteristic_id, *, credentials):
        self.lookups.append((characteristic_id, credentials))
        if self.down:
            raise ServiceUnavailable("characteristic is unreachable")
        return self.existing.get(characteristic_id)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def directory() -> FakeDirectory:
    return FakeDirectory()


@pytest.fixture
def service(uow, directory) -> SpecificationService:
    return SpecificationService(
        uow_factory=lambda: uow,
        references=CharacteristicReferences(uow_factory=lambda: uow, directory=directory),
    )


@pytest.fixture
def cached(uow):
    """Put characteristics into the cache: ``ids = await cached(3)``."""

    async def put(count: int = 1) -> list[uuid.UUID]:
        characteristics = [known_characteristic() for _ in range(count)]
        for characteristic in characteristics:
            await uow.characteristic_cache.store(characteristic)
        return [c.id for c in characteristics]

    return put


@pytest.fixture
def make_characteristic():
    return known_characteristic
