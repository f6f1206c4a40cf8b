"""The specification aggregate: a named group of characteristics ("Fibre 100 home")."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from catalog_chassis.domain import VersionedAggregate, iso_timestamp
from catalog_chassis.errors import FieldError, ValidationFailed
from catalog_chassis.naming import name_errors, normalize_name

DESCRIPTION_MAX_LENGTH = 2000
# Each characteristic may cost a lookup in the characteristic service: bound the fan-out.
MAX_CHARACTERISTICS = 100
CHARACTERISTIC_IDS_FIELD = "characteristicIds"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class SpecificationContent:
    """The fields a client chooses, normalized and checked together."""

    name: str
    description: str | None
    characteristic_ids: tuple[uuid.UUID, ...]

    @classmethod
    def validated(
        cls, *, name: str, description: str | None, characteristic_ids: Iterable[uuid.UUID]
    ) -> SpecificationContent:
        """Normalize and check every field at once, so the client hears of all its mistakes.

        A blank description is no description; duplicate characteristic ids collapse into
        the first occurrence, keeping the order the client gave.
        """
        clean_name = normalize_name(name)
        clean_description = (description or "").strip() or None
        unique_ids = tuple(dict.fromkeys(characteristic_ids))
        errors = name_errors(clean_name)
        if clean_description is not None and len(clean_description) > DESCRIPTION_MAX_LENGTH:
            errors.append(
                FieldError("description", f"must be at most {DESCRIPTION_MAX_LENGTH} characters")
            )
        if not unique_ids:
            errors.append(FieldError(CHARACTERISTIC_IDS_FIELD, "needs at least one characteristic"))
        elif len(unique_ids) > MAX_CHARACTERISTICS:
            errors.append(
                FieldError(
                    CHARACTERISTIC_IDS_FIELD,
                    f"may hold at most {MAX_CHARACTERISTICS} characteristics",
                )
            )
        if errors:
            raise ValidationFailed("The specification is not valid.", errors)
        return cls(name=clean_name, description=clean_description, characteristic_ids=unique_ids)


@dataclass(eq=False, kw_only=True)
class Specification(VersionedAggregate):
    AGGREGATE_TYPE = "specification"
    EVENT_PREFIX = "Specification"

    name: str
    description: str | None
    characteristic_ids: list[uuid.UUID]
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 1
    created_at: datetime = field(default_factory=_now)
    updated_at: datetime = field(default_factory=_now)

    def __post_init__(self) -> None:
        VersionedAggregate.__init__(self)

    @classmethod
    def create(cls, content: SpecificationContent) -> Specification:
        specification = cls(
            name=content.name,
            description=content.description,
            characteristic_ids=list(content.characteristic_ids),
        )
        specification.record_created()
        return specification

    @property
    def content(self) -> SpecificationContent:
        return SpecificationContent(
            name=self.name,
            description=self.description,
            characteristic_ids=tuple(self.characteristic_ids),
        )

    def references_added_by(self, content: SpecificationContent) -> list[uuid.UUID]:
        """The characteristics ``content`` refers to that this specification does not yet."""
        current = set(self.characteristic_ids)
        return [cid for cid in content.characteristic_ids if cid not in current]

    def update(self, content: SpecificationContent) -> bool:
        """Replace every field; returns False (and changes nothing) when nothing differs."""
        if content == self.content:
            return False
        self.name = content.name
        self.description = content.description
        self.characteristic_ids = list(content.characteristic_ids)
        self.record_change("updated")
        return True

    def delete(self) -> None:
        self.record_change("deleted")

    def snapshot(self) -> dict[str, Any]:
        """The aggregate as the API and the events show it (camelCase, JSON-ready)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "description": self.description,
            "characteristicIds": [str(cid) for cid in self.characteristic_ids],
            "version": self.version,
            "createdAt": iso_timestamp(self.created_at),
            "updatedAt": iso_timestamp(self.updated_at),
        }
