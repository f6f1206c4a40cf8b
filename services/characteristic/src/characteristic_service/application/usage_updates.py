"""Keeping the characteristic usages current from the specification service's events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog_chassis.usages import ReferenceUsages, apply_referrer_event
from characteristic_service.domain.usages import SPECIFICATION_USAGE_EVENTS


async def apply_specification_event(
    usages: ReferenceUsages, event_type: str, data: Mapping[str, Any]
) -> None:
    """Created/updated replace the specification's usages unless a newer version was seen
    (events may arrive out of order); deleted releases them. MalformedSnapshot for bad data."""
    await apply_referrer_event(usages, SPECIFICATION_USAGE_EVENTS, event_type, data)
