"""What this service knows of the specifications and prices its offerings refer to.

The specification and pricing services own them; this service keeps the id, name and
version of each one it has heard of (from events, or from asking), so that checking an
offering's references needs neither a network call nor the other service to be up.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog_chassis.references import MalformedSnapshot, snapshot_version


@dataclass(frozen=True, kw_only=True)
class KnownResource:
    """A specification or a price, as far as an offering needs to know it."""

    id: uuid.UUID
    name: str
    version: int

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any]) -> KnownResource:
        """Read the owner's camelCase snapshot (its events' ``data`` and its API's body)."""
        try:
            return cls(
                id=uuid.UUID(str(snapshot["id"])),
                name=str(snapshot["name"]),
                version=snapshot_version(snapshot),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedSnapshot(f"not a specification or price snapshot: {error!r}") from error
