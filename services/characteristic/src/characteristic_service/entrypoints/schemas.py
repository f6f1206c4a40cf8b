"""Request and response bodies of the characteristics API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field, StrictStr, field_validator

from catalog_chassis.schemas import ApiModel
from characteristic_service.domain.units import UnitOfMeasure

# The domain checks lengths and characters (and reports every field at once); these bounds
# only stop absurd payloads early.
Name = StrictStr
Value = StrictStr


class CharacteristicWrite(ApiModel):
    """Body of POST and PUT: every field is required."""

    name: Name = Field(max_length=1000)
    value: Value = Field(max_length=1000)
    unit_of_measure: StrictStr = Field(max_length=100)


class CharacteristicMergePatch(ApiModel):
    """Body of PATCH (RFC 7396 JSON merge patch): absent keeps, null is refused."""

    name: Name | None = Field(default=None, max_length=1000)
    value: Value | None = Field(default=None, max_length=1000)
    unit_of_measure: StrictStr | None = Field(default=None, max_length=100)

    @field_validator("name", "value", "unit_of_measure", mode="before")
    @classmethod
    def _required_fields_cannot_be_removed(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("is required and cannot be removed (null)")
        return value


class CharacteristicPublic(ApiModel):
    id: uuid.UUID
    name: str
    value: str
    unit_of_measure: UnitOfMeasure
    version: int
    created_at: datetime
    updated_at: datetime


class UnitPublic(ApiModel):
    value: str
    label: str
    category: str
