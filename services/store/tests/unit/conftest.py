"""In-memory adapters for the projection's use cases."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from store_service.application.projection import Projection
from store_service.domain.documents import Component, Kind, StoreDocument, parts_of


class FakeComponents:
    def __init__(self) -> None:
        self.rows: dict[tuple[Kind, uuid.UUID], Component] = {}

    async def store(self, component: Component) -> bool:
        held = self.rows.get((component.kind, component.id))
        if held is not None and held.version >= component.version:
            return False
        self.rows[(component.kind, component.id)] = component
        return True

    async def get(self, kind, ids):
        return {i: self.rows[(kind, i)] for i in ids if (kind, i) in self.rows}

    async def published_offerings(self):
        for (kind, _), component in list(self.rows.items()):
            if kind is Kind.OFFERING and component.data.get("lifecycleStatus") == "PUBLISHED":
                yield component


class FakeStaging:
    def __init__(self) -> None:
        self.entries: set[tuple[uuid.UUID, uuid.UUID]] = set()

    async def stage(self, offering_id, saga_id):
        self.entries.add((offering_id, saga_id))

    async def unstage(self, offering_id, saga_id):
        self.entries.discard((offering_id, saga_id))

    async def holds(self, offering_id, saga_id):
        return (offering_id, saga_id) in self.entries

    async def clear(self, offering_id):
        self.entries = {entry for entry in self.entries if entry[0] != offering_id}


class FakeDocuments:
    """Compare-and-set by revision, like the Mongo adapter; ``interfere`` simulates another
    writer slipping in before the next write."""

    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, tuple[int, StoreDocument | None]] = {}
        self.written_at: dict[uuid.UUID, datetime] = {}
        self.interfere = 0
        self.clock = lambda: datetime.now(UTC)

    async def get(self, offering_id):
        return (self.rows.get(offering_id) or (0, None))[1]

    async def revision(self, offering_id):
        row = self.rows.get(offering_id)
        return row[0] if row else None

    async def replace(self, document, *, expected_revision):
        if not self._may_write(document.id, expected_revision):
            return None
        written = replace(document, revision=(expected_revision or 0) + 1)
        self.rows[document.id] = (written.revision, written)
        self.written_at[document.id] = self.clock()
        return written

    async def remove(self, offering_id, *, expected_revision):
        if not self._may_write(offering_id, expected_revision):
            return None
        self.rows[offering_id] = (expected_revision + 1, None)
        self.written_at[offering_id] = self.clock()
        return expected_revision + 1

    def _may_write(self, offering_id, expected_revision) -> bool:
        if self.interfere:
            self.interfere -= 1
            revision, document = self.rows.get(offering_id, (0, None))
            self.rows[offering_id] = (revision + 1, document)
            return False
        return self.rows.get(offering_id, (None,))[0] == expected_revision

    async def using(self, kind, component_id):
        return [
            offering_id
            for offering_id, (_, document) in self.rows.items()
            if document is not None and component_id in parts_of(document, kind)
        ]

    async def ids(self):
        return {i for i, (_, document) in self.rows.items() if document is not None}

    async def written_since(self, moment):
        return [
            (offering_id, revision, document)
            for offering_id, (revision, document) in self.rows.items()
            if self.written_at.get(offering_id, moment) >= moment
        ]


class FakeIndex:
    def __init__(self) -> None:
        self.entries: dict[str, StoreDocument] = {}
        self.revisions: dict[str, int] = {}
        self.during_rebuild = None
        self.puts: list[str] = []
        self.removals: list[str] = []

    async def ensure(self) -> None: ...

    async def ready(self) -> None: ...

    async def put(self, document):
        self.puts.append(str(document.id))
        self.entries[str(document.id)] = document
        self.revisions[str(document.id)] = document.revision

    async def remove(self, offering_id, *, revision):
        self.removals.append(offering_id)
        self.entries.pop(offering_id, None)
        self.revisions[offering_id] = revision

    async def search(self, query):
        raise NotImplementedError

    async def rebuild(self, documents):
        fresh = {str(d.id): d async for d in documents}
        if self.during_rebuild is not None:
            await self.during_rebuild()  # lands in the old entries, as on a real engine
        self.entries = fresh
        return len(fresh)


class FakeCatalog:
    """The write services: ``owned`` is what they hold now."""

    def __init__(self) -> None:
        self.owned: dict[uuid.UUID, Component] = {}
        self.asked: list[uuid.UUID] = []
        self.listings: list[Kind] = []
        # Held, but passed over by a listing (changed while it was paged through).
        self.unlisted: set[uuid.UUID] = set()

    async def fetch(self, kind, component_id):
        self.asked.append(component_id)
        found = self.owned.get(component_id)
        return found if found is not None and found.kind is kind else None

    async def listed(self, kind):
        self.listings.append(kind)
        for component in list(self.owned.values()):
            if component.kind is kind and component.id not in self.unlisted:
                yield component

    async def published_offerings(self):
        for component in list(self.owned.values()):
            if (
                component.kind is Kind.OFFERING
                and component.data.get("lifecycleStatus") == "PUBLISHED"
            ):
                yield component


@pytest.fixture
def components() -> FakeComponents:
    return FakeComponents()


@pytest.fixture
def documents() -> FakeDocuments:
    return FakeDocuments()


@pytest.fixture
def index() -> FakeIndex:
    return FakeIndex()


@pytest.fixture
def catalog() -> FakeCatalog:
    return FakeCatalog()


@pytest.fixture
def staging() -> FakeStaging:
    return FakeStaging()


@pytest.fixture
def projection(components, documents, index, catalog, staging) -> Projection:
    return Projection(
        components=components, documents=documents, index=index, catalog=catalog, staging=staging
    )
