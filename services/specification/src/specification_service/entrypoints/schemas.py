"""Request and response bodies of the specifications API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field, StrictStr, field_validator

from catalog_chassis.schemas import ApiModel

# The domain checks lengths, characters and counts (and reports every field at once);
# these bounds only stop absurd payloads early.
Name = StrictStr
Description = StrictStr
CharacteristicIds = list[uuid.UUID]


class SpecificationWrite(ApiModel):
    """Body of POST and PUT: a missing description is no description."""

    name: Name = Field(max_length=1000)
    description: Description | None = Field(default=None, max_length=10_000)
    characteristic_ids: CharacteristicIds = Field(max_length=1000)


class SpecificationMergePatch(ApiModel):
    """Body of PATCH (RFC 7396 JSON merge patch): absent keeps, null removes the
    description and is refused for the required fields; the id list is replaced whole."""

    name: Name | None = Field(default=None, max_length=1000)
    description: Description | None = Field(default=None, max_length=10_000)
    characteristic_ids: CharacteristicIds | None = Field(default=None, max_length=1000)

    @field_validator("name", "characteristic_ids", mode="before")
    @classmethod
    def _required_fields_cannot_be_removed(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("is required and cannot be removed (null)")
        return value


class SpecificationPublic(ApiModel):
    id: uuid.UUID
    name: str
    description: str | None
    characteristic_ids: list[uuid.UUID]
    version: int
    created_at: datetime
    updated_at: datetime
