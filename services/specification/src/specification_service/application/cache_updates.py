"""Keeping the characteristic cache current from the characteristic service's events."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from specification_service.application.ports import CharacteristicCache
from specification_service.domain.characteristics import KnownCharacteristic

logger = logging.getLogger(__name__)

UPSERTING_EVENTS = frozenset({"CharacteristicCreated", "CharacteristicUpdated"})
DELETING_EVENT = "CharacteristicDeleted"


async def apply_characteristic_event(
    cache: CharacteristicCache, event_type: str, data: Mapping[str, Any]
) -> None:
    """Created/updated cache the snapshot unless the cache holds a newer version (events
    may arrive out of order); deleted drops it for good. MalformedSnapshot for bad data."""
    if event_type not in UPSERTING_EVENTS and event_type != DELETING_EVENT:
        logger.info("ignoring characteristic event of type %s", event_type)
        return
    characteristic = KnownCharacteristic.from_snapshot(data)
    if event_type == DELETING_EVENT:
        await cache.forget(characteristic.id, version=characteristic.version)
    elif not await cache.store(characteristic):
        logger.info(
            "ignoring %s of characteristic %s at version %d: the cache holds a newer one",
            event_type,
            characteristic.id,
            characteristic.version,
        )
