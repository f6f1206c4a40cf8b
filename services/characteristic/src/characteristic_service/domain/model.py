"""The characteristic aggregate: a named value with a unit ("Download speed = 100 Mbps")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from catalog_chassis.domain import VersionedAggregate, iso_timestamp
from catalog_chassis.errors import FieldError, ValidationFailed
from catalog_chassis.naming import name_errors, normalize_name
from characteristic_service.domain.units import UnitOfMeasure

VALUE_MAX_LENGTH = 100


def _now() -> datetime:
    return datetime.now(UTC)


def validated(name: str, value: str, unit: str) -> tuple[str, str, UnitOfMeasure]:
    """Normalize and check every field at once, so the client hears of all its mistakes."""
    name = normalize_name(name)
    value = value.strip()
    errors = name_errors(name)
    if not value:
        errors.append(FieldError("value", "is required"))
    elif len(value) > VALUE_MAX_LENGTH:
        errors.append(FieldError("value", f"must be at most {VALUE_MAX_LENGTH} characters"))
    try:
        unit_of_measure = UnitOfMeasure(unit)
    except ValueError:
        errors.append(FieldError("unitOfMeasure", f"'{unit}' is not a known unit of measure"))
    if errors:
        raise ValidationFailed("The characteristic is not valid.", errors)
    return name, value, unit_of_measure


@dataclass(eq=False, kw_only=True)
class Characteristic(VersionedAggregate):
    AGGREGATE_TYPE = "characteristic"
    EVENT_PREFIX = "Characteristic"

    name: str
    value: str
    unit_of_measure: UnitOfMeasure
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 1
    created_at: datetime = field(default_factory=_now)
    updated_at: datetime = field(default_factory=_now)

    def __post_init__(self) -> None:
        VersionedAggregate.__init__(self)

    @classmethod
    def create(cls, *, name: str, value: str, unit_of_measure: str) -> Characteristic:
        clean_name, clean_value, unit = validated(name, value, unit_of_measure)
        characteristic = cls(name=clean_name, value=clean_value, unit_of_measure=unit)
        characteristic.record_created()
        return characteristic

    def update(self, *, name: str, value: str, unit_of_measure: str) -> bool:
        """Replace every field; returns False (and changes nothing) when nothing differs."""
        clean_name, clean_value, unit = validated(name, value, unit_of_measure)
        if (clean_name, clean_value, unit) == (self.name, self.value, self.unit_of_measure):
            return False
        self.name, self.value, self.unit_of_measure = clean_name, clean_value, unit
        self.record_change("updated")
        return True

    def delete(self) -> None:
        self.record_change("deleted")

    def snapshot(self) -> dict[str, Any]:
        """The aggregate as the API and the events show it (camelCase, JSON-ready)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "value": self.value,
            "unitOfMeasure": self.unit_of_measure.value,
            "version": self.version,
            "createdAt": iso_timestamp(self.created_at),
            "updatedAt": iso_timestamp(self.updated_at),
        }
