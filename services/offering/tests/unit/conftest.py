"""In-memory adapters so the use cases run in microseconds."""

from __future__ import annotations

import uuid

import pytest

from catalog_testing import (
    InMemoryAggregates,
    InMemoryDirectory,
    InMemoryReferenceCache,
    InMemoryUnitOfWork,
)
from offering_service.application.ports import OfferingQuery
from offering_service.application.publication import PublicationRequest
from offering_service.application.references import references_to
from offering_service.application.use_cases import OfferingService
from offering_service.domain.references import KnownResource


class FakeOfferings(InMemoryAggregates):
    RESOURCE = "offering"

    async def list(self, query: OfferingQuery):
        items = [
            o
            for o in self.rows.values()
            if (query.name_contains is None or query.name_contains.lower() in o.name.lower())
            and (query.lifecycle_status is None or o.lifecycle_status == query.lifecycle_status)
        ]
        items.sort(key=lambda o: o.name.lower(), reverse=query.descending)
        return items[query.offset : query.offset + query.limit], len(items)


class FakePublicationRequests:
    """The requests as committed (staged with the unit of work's other writes)."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow
        self.rows: dict[uuid.UUID, PublicationRequest] = {}

    async def add(self, request: PublicationRequest) -> None:
        self._uow.stage(lambda: self.rows.__setitem__(request.saga_id, request))


class FakeUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.offerings = FakeOfferings(self)
        self.specification_cache = InMemoryReferenceCache()
        self.price_cache = InMemoryReferenceCache()
        self.publication_requests = FakePublicationRequests(self)


class FakeStarter:
    """Records the sagas the service asked it to start (after their requests committed)."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self.started: list[uuid.UUID] = []
        self.committed_first: list[bool] = []

    async def start(self, saga_id: uuid.UUID) -> bool:
        self.committed_first.append(saga_id in self._uow.publication_requests.rows)
        self.started.append(saga_id)
        return True


def known(name: str = "Thing", version: int = 1) -> KnownResource:
    return KnownResource(id=uuid.uuid4(), name=name, version=version)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def saga(uow) -> FakeStarter:
    return FakeStarter(uow)


@pytest.fixture
def specification_directory() -> InMemoryDirectory:
    return InMemoryDirectory()


@pytest.fixture
def price_directory() -> InMemoryDirectory:
    return InMemoryDirectory()


@pytest.fixture
def service(uow, saga, specification_directory, price_directory) -> OfferingService:
    return OfferingService(
        uow_factory=lambda: uow,
        specifications=references_to("specification", lambda: uow, specification_directory),
        prices=references_to("price", lambda: uow, price_directory),
        start_saga=saga.start,
    )


@pytest.fixture
async def specification(uow) -> KnownResource:
    """A specification the cache has heard of."""
    item = known("Fibre 100")
    await uow.specification_cache.store(item)
    return item


@pytest.fixture
async def price(uow) -> KnownResource:
    """A price the cache has heard of."""
    item = known("Monthly")
    await uow.price_cache.store(item)
    return item
