"""Request and response bodies of the offerings API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field, StrictStr, field_validator

from catalog_chassis.schemas import ApiModel
from offering_service.domain.model import LifecycleStatus

# The domain checks lengths, characters, counts and sales channels (and reports every
# field at once); these bounds only stop absurd payloads early. A draft may be saved with
# empty lists; publishing needs them filled.
Ids = list[uuid.UUID]
Channels = list[StrictStr]


class OfferingWrite(ApiModel):
    """Body of POST and PUT: a missing description or list is none."""

    name: StrictStr = Field(max_length=1000)
    description: StrictStr | None = Field(default=None, max_length=10_000)
    specification_ids: Ids = Field(default_factory=list, max_length=1000)
    price_ids: Ids = Field(default_factory=list, max_length=1000)
    sales_channels: Channels = Field(default_factory=list, max_length=100)


class OfferingMergePatch(ApiModel):
    """Body of PATCH (RFC 7396 JSON merge patch): absent keeps, null removes the
    description and is refused elsewhere; a list is replaced whole."""

    name: StrictStr | None = Field(default=None, max_length=1000)
    description: StrictStr | None = Field(default=None, max_length=10_000)
    specification_ids: Ids | None = Field(default=None, max_length=1000)
    price_ids: Ids | None = Field(default=None, max_length=1000)
    sales_channels: Channels | None = Field(default=None, max_length=100)

    @field_validator("name", "specification_ids", "price_ids", "sales_channels", mode="before")
    @classmethod
    def _required_fields_cannot_be_removed(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be removed (null); send [] for an empty list")
        return value


class OfferingPublic(ApiModel):
    id: uuid.UUID
    name: str
    description: str | None
    specification_ids: list[uuid.UUID]
    price_ids: list[uuid.UUID]
    sales_channels: list[str]
    lifecycle_status: LifecycleStatus
    publication_failure_reason: str | None
    saga_id: uuid.UUID | None
    published_at: datetime | None
    retired_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class SalesChannelPublic(ApiModel):
    value: str
    label: str
