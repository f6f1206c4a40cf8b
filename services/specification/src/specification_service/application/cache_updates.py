"""Keeping the characteristic cache current from the characteristic service's events."""

from __future__ import annotations

from catalog_chassis.references import CacheFeed
from specification_service.domain.characteristics import KnownCharacteristic

CHARACTERISTIC_FEED = CacheFeed(
    parse=KnownCharacteristic.from_snapshot,
    upserting=frozenset({"CharacteristicCreated", "CharacteristicUpdated"}),
    deleting="CharacteristicDeleted",
)

# Created/updated cache the snapshot unless the cache holds a newer version (events may
# arrive out of order); deleted drops it for good. MalformedSnapshot for bad data.
apply_characteristic_event = CHARACTERISTIC_FEED.apply
