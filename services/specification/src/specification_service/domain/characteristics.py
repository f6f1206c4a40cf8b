"""What this service knows of the characteristics its specifications refer to.

The characteristic service owns characteristics; this service keeps a copy of each one it
has heard of (from events, or from asking), so that checking a specification's references
needs neither a network call nor the other service to be up.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from catalog_chassis.references import MalformedSnapshot, snapshot_version

__all__ = ["KnownCharacteristic", "MalformedSnapshot"]


@dataclass(frozen=True, kw_only=True)
class KnownCharacteristic:
    id: uuid.UUID
    name: str
    value: str
    unit_of_measure: str
    version: int
    updated_at: datetime

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any]) -> KnownCharacteristic:
        """Read the characteristic service's camelCase snapshot, which its events carry as
        ``data`` and its API returns as the body: one format, one parser."""
        try:
            version = snapshot_version(snapshot)
            return cls(
                id=uuid.UUID(str(snapshot["id"])),
                name=str(snapshot["name"]),
                value=str(snapshot["value"]),
                unit_of_measure=str(snapshot["unitOfMeasure"]),
                version=version,
                updated_at=datetime.fromisoformat(str(snapshot["updatedAt"])),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedSnapshot(f"not a characteristic snapshot: {error!r}") from error
