"""Which specifications use a characteristic, as learnt from the specification service.

A characteristic in use must not be deleted. The specification service owns the
references; this service keeps the inverse view, fed by its events.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class MalformedSnapshot(ValueError):
    """A specification snapshot (event data) lacks a field or has a bad one."""


@dataclass(frozen=True, kw_only=True)
class SpecificationReference:
    id: uuid.UUID
    name: str


@dataclass(frozen=True, kw_only=True)
class SpecificationUsage:
    """A specification at one version and the characteristics it uses."""

    specification: SpecificationReference
    version: int
    characteristic_ids: frozenset[uuid.UUID]

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any]) -> SpecificationUsage:
        """Read the specification service's camelCase snapshot (its events' ``data``)."""
        try:
            version = snapshot["version"]
            if not isinstance(version, int) or isinstance(version, bool):
                raise TypeError(f"version must be an integer, not {version!r}")
            ids = snapshot["characteristicIds"]
            if not isinstance(ids, list):
                raise TypeError(f"characteristicIds must be a list, not {ids!r}")
            return cls(
                specification=SpecificationReference(
                    id=uuid.UUID(str(snapshot["id"])), name=str(snapshot["name"])
                ),
                version=version,
                characteristic_ids=frozenset(uuid.UUID(str(cid)) for cid in ids),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedSnapshot(f"not a specification snapshot: {error!r}") from error
