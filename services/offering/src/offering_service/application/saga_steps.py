"""The offering's steps of the publication saga: confirm it, or mark it failed."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from catalog_chassis.errors import NotFound
from catalog_chassis.workflow.tasks import BusinessError, ExternalTask
from offering_service.domain.model import IllegalTransition, Offering

logger = logging.getLogger(__name__)

TIMED_OUT = (
    "The publication did not finish in time (a service it needs did not answer); "
    "try publishing again later."
)
UNKNOWN_FAILURE = "The publication failed; try publishing again."


class PublicationOutcomes(Protocol):
    async def confirm_publication(self, offering_id: uuid.UUID, saga_id: uuid.UUID) -> Offering: ...

    async def fail_publication(
        self, offering_id: uuid.UUID, saga_id: uuid.UUID, reason: str
    ) -> Offering: ...


def saga_of(task: ExternalTask) -> tuple[uuid.UUID, uuid.UUID]:
    """The offering id and saga id a task is about."""
    return uuid.UUID(str(task.variable("offeringId"))), uuid.UUID(str(task.variable("sagaId")))


@dataclass
class OfferingSagaSteps:
    offerings: PublicationOutcomes

    async def confirm(self, task: ExternalTask) -> Mapping[str, Any] | None:
        offering_id, saga_id = saga_of(task)
        try:
            offering = await self.offerings.confirm_publication(offering_id, saga_id)
        except (IllegalTransition, NotFound) as error:
            raise BusinessError("offering-changed", str(error)) from error
        return {"publishedAt": offering.published_at.isoformat() if offering.published_at else None}

    async def mark_failed(self, task: ExternalTask) -> Mapping[str, Any] | None:
        offering_id, saga_id = saga_of(task)
        reason = task.variables.get("failureReason") or (
            UNKNOWN_FAILURE if task.variables.get("failureCode") else TIMED_OUT
        )
        try:
            await self.offerings.fail_publication(offering_id, saga_id, str(reason))
        except (IllegalTransition, NotFound) as error:
            # Not PUBLISHING under this saga any more: there is nothing left to fail.
            logger.warning("saga %s: nothing to mark failed: %s", saga_id, error)
        return None
