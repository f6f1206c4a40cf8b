"""Rebuilding the store from the write services: every published offering and its parts
are read afresh from their owners, the documents recomposed, and a new search index built
and switched in behind the alias (searches keep being answered throughout)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from store_service.application.ports import Catalog, Components, Documents
from store_service.application.projection import Projection
from store_service.application.search import SearchIndex
from store_service.domain.documents import Component, Kind, StoreDocument

logger = logging.getLogger(__name__)

# Steps (document-store writes, recompositions) run this many at once. One at a time, each
# waits on its round trips in turn: 850 offerings took 88 s on the development machine, 57 s
# eight at a time. Since the parts are read a page at a time the steps are document-store
# work only; four at once rebuild 1 469 offerings as fast as eight (44-50 s against 50 s,
# with searches beside it) and leave the searches more room: p50 33-38 ms, max 260 ms,
# against 55 ms and 726 ms. The steps are safe side by side (versioned component writes,
# compare-and-set documents).
REBUILD_CONCURRENCY = 4
# Writes replayed into the new index: those from this long before its build began. The new
# index is built from the documents as they are then, so the documents the rebuild refreshed
# itself are in it; the margin covers clocks of other store processes running behind ours.
REPLAY_MARGIN = timedelta(seconds=5)

T = TypeVar("T")


async def _each(items: Sequence[T], action: Callable[[T], Awaitable[object]]) -> None:
    """``action`` on every item, ``REBUILD_CONCURRENCY`` at a time; the first failure
    cancels the rest and is raised."""
    places = asyncio.Semaphore(REBUILD_CONCURRENCY)

    async def one(item: T) -> None:
        async with places:
            await action(item)

    async with asyncio.TaskGroup() as group:
        for item in items:
            group.create_task(one(item))


@dataclass
class Rebuild:
    catalog: Catalog
    components: Components
    documents: Documents
    index: SearchIndex
    projection: Projection
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    replay_margin: timedelta = REPLAY_MARGIN

    async def run(self) -> int:
        """The number of published offerings in the rebuilt index."""
        offerings = [offering async for offering in self.catalog.published_offerings()]
        published = [offering.id for offering in offerings]
        await _each(offerings, self.components.store)
        await self._refresh_parts(offerings)
        # Documents of offerings no longer published (an event missed): ask their owner.
        await _each(sorted(await self.documents.ids() - set(published)), self._refresh_stale)
        # The documents only: the new index is built from them. Writing each to the live
        # index as well cost a forced refresh per offering (1 500 of them on a busy machine
        # ran into the client's timeout); searches see the refreshed documents at the switch.
        await _each(published, self._recompose)
        building = self.clock() - self.replay_margin
        indexed: dict[uuid.UUID, int] = {}
        count = await self.index.rebuild(self._documents(published, indexed))
        # The projection kept writing to the old index while the new one was built: replay
        # those writes (revision-ordered, so replaying one twice or late changes nothing).
        # Documents the new index holds at their revision need nothing: within the margin
        # those are mostly the rebuild's own writes (500 of 1 400 on the development machine).
        replayed = [
            (offering_id, revision, document)
            for offering_id, revision, document in await self.documents.written_since(building)
            if document is None or indexed.get(offering_id, -1) < revision
        ]
        for offering_id, revision, document in replayed:
            if document is None:
                await self.index.remove(str(offering_id), revision=revision)
            else:
                await self.index.put(document)
        logger.info("rebuilt the store: %d published offerings (%d replayed)", count, len(replayed))
        return count

    async def _refresh_stale(self, stale: uuid.UUID) -> None:
        current = await self.catalog.fetch(Kind.OFFERING, stale)
        if current is not None:
            await self.components.store(current)
        else:
            gone = Component(kind=Kind.OFFERING, id=stale, version=0, data={"id": str(stale)})
            await self.components.store(gone.as_deleted())
        await self._recompose(stale)

    async def _recompose(self, offering_id: uuid.UUID) -> None:
        await self.projection.refresh(offering_id, index=False)

    async def _refresh_parts(self, offerings: Sequence[Component]) -> None:
        """The specifications, characteristics and prices the offerings use, as their owners
        list them: a hundred per request (one request per part took two thirds of a rebuild)."""
        specifications = await self._refresh_all(
            Kind.SPECIFICATION, {sid for o in offerings for sid in o.ids("specificationIds")}
        )
        await self._refresh_all(
            Kind.CHARACTERISTIC,
            {cid for spec in specifications for cid in spec.ids("characteristicIds")},
        )
        await self._refresh_all(Kind.PRICE, {pid for o in offerings for pid in o.ids("priceIds")})

    async def _refresh_all(self, kind: Kind, wanted: set[uuid.UUID]) -> list[Component]:
        found = {c.id: c async for c in self.catalog.listed(kind) if c.id in wanted}

        async def ask(component_id: uuid.UUID) -> None:
            component = await self.catalog.fetch(kind, component_id)
            if component is not None:
                found[component.id] = component

        # One that changed while it was listed may have been passed over: asked on its own.
        await _each(sorted(wanted - found.keys()), ask)
        await _each(list(found.values()), self.components.store)
        return list(found.values())

    async def _documents(
        self, ids: list[uuid.UUID], indexed: dict[uuid.UUID, int]
    ) -> AsyncIterator[StoreDocument]:
        """The documents of ``ids``, noting in ``indexed`` the revision of each."""
        for offering_id in ids:
            document = await self.documents.get(offering_id)
            if document is not None:
                indexed[offering_id] = document.revision
                yield document
