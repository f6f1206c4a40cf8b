"""Keeping the characteristic usages current from the specification service's events."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from characteristic_service.application.ports import CharacteristicUsages
from characteristic_service.domain.usages import SpecificationUsage

logger = logging.getLogger(__name__)

RECORDING_EVENTS = frozenset({"SpecificationCreated", "SpecificationUpdated"})
RELEASING_EVENT = "SpecificationDeleted"


async def apply_specification_event(
    usages: CharacteristicUsages, event_type: str, data: Mapping[str, Any]
) -> None:
    """Created/updated replace the specification's usages unless a newer version was seen
    (events may arrive out of order); deleted releases them. MalformedSnapshot for bad data."""
    if event_type not in RECORDING_EVENTS and event_type != RELEASING_EVENT:
        logger.info("ignoring specification event of type %s", event_type)
        return
    usage = SpecificationUsage.from_snapshot(data)
    if event_type == RELEASING_EVENT:
        applied = await usages.release(usage.specification.id, version=usage.version)
    else:
        applied = await usages.record(usage)
    if not applied:
        logger.info(
            "ignoring %s of specification %s at version %d: a newer one was seen",
            event_type,
            usage.specification.id,
            usage.version,
        )
