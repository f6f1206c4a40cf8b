"""In-memory adapters so the use cases run in microseconds."""

from __future__ import annotations

import copy
import uuid

import pytest

from catalog_chassis.errors import PreconditionFailed
from catalog_chassis.naming import name_key
from characteristic_service.application.ports import CharacteristicQuery
from characteristic_service.application.use_cases import CharacteristicService
from characteristic_service.domain.model import Characteristic
from characteristic_service.domain.usages import SpecificationUsage


class FakeCharacteristics:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self.rows: dict[uuid.UUID, Characteristic] = {}

    async def get(self, characteristic_id):
        found = self.rows.get(characteristic_id)
        return self._uow.track(copy.deepcopy(found)) if found else None

    async def name_taken(self, name, *, excluding=None):
        return any(
            name_key(c.name) == name_key(name) and c.id != excluding for c in self.rows.values()
        )

    async def add(self, characteristic):
        self._uow.track(characteristic)
        self._uow.staged.append(("put", characteristic))

    async def save(self, characteristic, *, expected_version):
        if self.rows[characteristic.id].version != expected_version:
            raise PreconditionFailed("stale")
        self._uow.staged.append(("put", characteristic))

    async def remove(self, characteristic, *, expected_version):
        if self.rows[characteristic.id].version != expected_version:
            raise PreconditionFailed("stale")
        self._uow.staged.append(("delete", characteristic))

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


class FakeUnitOfWork:
    """Applies staged writes and keeps the published events only on commit."""

    def __init__(self) -> None:
        self.characteristics = FakeCharacteristics(self)
        self.usages = FakeUsages()
        self.staged: list[tuple[str, Characteristic]] = []
        self.tracked: list[Characteristic] = []
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
        # Events first, so the stored copies do not carry them into the next unit of work.
        for aggregate in self.tracked:
            self.events.extend(aggregate.collect_events())
        for action, characteristic in self.staged:
            if action == "put":
                self.characteristics.rows[characteristic.id] = copy.deepcopy(characteristic)
            else:
                self.characteristics.rows.pop(characteristic.id)
        self.staged = []
        self.commits += 1


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def service(uow) -> CharacteristicService:
    return CharacteristicService(uow_factory=lambda: uow)
