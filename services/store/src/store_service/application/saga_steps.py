"""The store's steps of the publication saga: enter the offering in the store while it is
being published (so it is searchable the moment it is confirmed), or take it out again."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog_chassis.workflow.tasks import BusinessError, ExternalTask
from store_service.application.ports import Catalog, Components, Staging
from store_service.application.projection import Projection
from store_service.domain.documents import Kind, is_published, publishing_saga

OFFERING_CHANGED = "offering-changed"


def saga_of(task: ExternalTask) -> tuple[uuid.UUID, uuid.UUID]:
    return uuid.UUID(str(task.variable("offeringId"))), uuid.UUID(str(task.variable("sagaId")))


@dataclass
class StoreSagaSteps:
    catalog: Catalog
    components: Components
    staging: Staging
    projection: Projection

    async def create_store_entry(self, task: ExternalTask) -> Mapping[str, Any] | None:
        """Compose the offering's document from its owner's current state and its parts
        (asking their owners for any the events have not brought yet) and index it."""
        offering_id, saga_id = saga_of(task)
        offering = await self.catalog.fetch(Kind.OFFERING, offering_id)
        if offering is None:
            raise BusinessError(OFFERING_CHANGED, f"The offering {offering_id} was deleted.")
        ours = publishing_saga(offering) == saga_id or (
            is_published(offering) and offering.data.get("sagaId") == str(saga_id)
        )
        if not ours:
            raise BusinessError(
                OFFERING_CHANGED,
                f"The offering {offering_id} is {offering.data.get('lifecycleStatus')} "
                f"and not being published by saga {saga_id}.",
            )
        await self.components.store(offering)
        await self.staging.stage(offering_id, saga_id)
        document = await self.projection.refresh(offering_id)
        if document is None:
            # The store holds a newer state of the offering in which this saga is over.
            raise BusinessError(
                OFFERING_CHANGED, f"The offering {offering_id} changed during its publication."
            )
        return {"storeRevision": document.revision}

    async def delete_store_entry(self, task: ExternalTask) -> Mapping[str, Any] | None:
        """Take back what create-store-entry did (safe to repeat, and when it never ran)."""
        offering_id, saga_id = saga_of(task)
        await self.staging.unstage(offering_id, saga_id)
        await self.projection.refresh(offering_id)
        return None
