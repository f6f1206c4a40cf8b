"""The projection: every write-side event updates the store's copies of the parts, and the
documents (and index entries) of the published offerings they make up.

Correct under at-least-once delivery and any order: a copy changes only for a newer version
(so duplicates and late events change nothing), and a document is recomposed from the
newest copies and written only if nobody wrote it in between (else composed again).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from store_service.application.ports import Catalog, Components, Documents, Staging
from store_service.application.search import SearchIndex
from store_service.domain.documents import (
    Component,
    IncompleteDocument,
    Kind,
    StoreDocument,
    compose,
    is_published,
    publishing_saga,
)

logger = logging.getLogger(__name__)

# Writers of one document rarely collide; a few attempts settle any real race.
MAX_WRITE_ATTEMPTS = 5
# Missing specifications, then the characteristics they name.
MAX_FETCH_ROUNDS = 2
_EVENT_PREFIXES = {
    "Characteristic": Kind.CHARACTERISTIC,
    "Specification": Kind.SPECIFICATION,
    "Price": Kind.PRICE,
    "Offering": Kind.OFFERING,
}


class WriteConflict(Exception):
    """Other writers kept changing the document; the event is retried later."""


def classify(event_type: str) -> tuple[Kind, bool] | None:
    """The kind of aggregate an event type is about and whether it deleted it
    (``PriceDeleted`` → (PRICE, True)); None for a type the store does not follow."""
    for prefix, kind in _EVENT_PREFIXES.items():
        if event_type.startswith(prefix) and event_type != prefix:
            return kind, event_type == f"{prefix}Deleted"
    return None


@dataclass
class Projection:
    components: Components
    documents: Documents
    index: SearchIndex
    catalog: Catalog
    staging: Staging

    async def apply(self, event_type: str, data: Mapping[str, Any]) -> bool:
        """Apply one event; False when it changed nothing (unknown type, duplicate, older
        than the copy held). MalformedSnapshot for bad data."""
        classified = classify(event_type)
        if classified is None:
            logger.info("ignoring event of type %s", event_type)
            return False
        kind, deleted = classified
        component = Component.from_snapshot(kind, data, deleted=deleted)
        if not await self.components.store(component):
            logger.info(
                "ignoring %s %s v%d: not newer", event_type, component.id, component.version
            )
            return False
        if kind is Kind.OFFERING:
            if publishing_saga(component) is None:
                await self.staging.clear(component.id)  # its publication has ended
            await self.refresh(component.id)
        else:
            for offering_id in await self.documents.using(kind, component.id):
                await self.refresh(offering_id)
        return True

    async def refresh(self, offering_id: uuid.UUID, *, index: bool = True) -> StoreDocument | None:
        """Compose the offering's document from the newest copies and write it (or remove it
        unless the offering is published); the document written, None when removed.
        ``index=False`` leaves the search index alone (a rebuild builds a new one from the
        documents)."""
        for _ in range(MAX_WRITE_ATTEMPTS):
            revision = await self.documents.revision(offering_id)
            offering = (await self.components.get(Kind.OFFERING, [offering_id])).get(offering_id)
            if offering is None or not await self._listed(offering):
                if revision is not None:
                    removed = await self.documents.remove(offering_id, expected_revision=revision)
                    if removed is None:
                        continue
                    if index:
                        await self.index.remove(str(offering_id), revision=removed)
                return None
            document = await self._compose(offering)
            written = await self.documents.replace(document, expected_revision=revision)
            if written is None:
                continue
            if index:
                await self.index.put(written)
            return written
        raise WriteConflict(f"the document of offering {offering_id} kept changing")

    async def _listed(self, offering: Component) -> bool:
        """Published, or being published by a saga that has entered it in the store."""
        if is_published(offering):
            return True
        saga_id = publishing_saga(offering)
        return saga_id is not None and await self.staging.holds(offering.id, saga_id)

    async def _compose(self, offering: Component) -> StoreDocument:
        # Parts whose events are still on the way (or were missed) are asked of their
        # owners: specifications first, then the characteristics those name.
        for _ in range(MAX_FETCH_ROUNDS):
            try:
                return compose(offering, await self._parts(offering))
            except IncompleteDocument as incomplete:
                await self._fetch(incomplete)
        return compose(offering, await self._parts(offering))

    async def _parts(self, offering: Component) -> dict[uuid.UUID, Component]:
        specifications = await self.components.get(
            Kind.SPECIFICATION, offering.ids("specificationIds")
        )
        characteristic_ids = [
            cid for spec in specifications.values() for cid in spec.ids("characteristicIds")
        ]
        return {
            **specifications,
            **await self.components.get(Kind.CHARACTERISTIC, characteristic_ids),
            **await self.components.get(Kind.PRICE, offering.ids("priceIds")),
        }

    async def _fetch(self, incomplete: IncompleteDocument) -> None:
        missing = incomplete.missing
        wanted = [
            *((Kind.SPECIFICATION, i) for i in missing.specifications),
            *((Kind.PRICE, i) for i in missing.prices),
            *((Kind.CHARACTERISTIC, i) for i in missing.characteristics),
        ]
        for kind, component_id in wanted:
            found = await self.catalog.fetch(kind, component_id)
            if found is None:
                # Gone at its owner: remember it as deleted (any real event is newer).
                found = Component(
                    kind=kind, id=component_id, version=0, data={"id": str(component_id)}
                ).as_deleted()
            await self.components.store(found)
        logger.info("fetched missing parts of offering %s: %s", incomplete.offering_id, missing)
