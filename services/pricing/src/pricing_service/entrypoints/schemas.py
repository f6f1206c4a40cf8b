"""Request and response bodies of the prices API."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, PlainValidator, StrictStr, WithJsonSchema, field_validator

from catalog_chassis.schemas import ApiModel
from pricing_service.domain.money import Currency

AMOUNT_TYPE_ERROR = 'must be a decimal number: a string such as "19.99" or a JSON number'


def _amount_as_sent(raw: Any) -> str | Decimal:
    """Pass a string or an exact JSON number on to the domain's amount rule unchanged.

    Numbers are exact here because the routes parse JSON fractions into Decimal
    (see `exact_json`); a float can only be a lossy reading, so it is refused.
    """
    if isinstance(raw, str | Decimal):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    raise ValueError(AMOUNT_TYPE_ERROR)


Amount = Annotated[
    str | Decimal,
    PlainValidator(_amount_as_sent),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "number"}],
            "description": "Greater than 0, at most 2 decimal places",
            "examples": ["19.99"],
        }
    ),
]

# Validated by the domain (so a 400 names every bad field at once); the schema still tells
# generated clients which codes exist.
CurrencyCode = Annotated[
    StrictStr,
    WithJsonSchema({"type": "string", "enum": [c.value for c in Currency], "examples": ["EUR"]}),
]

# The domain checks lengths and characters (and reports every field at once); these bounds
# only stop absurd payloads early.
_TEXT_LIMIT = 1000


class PriceWrite(ApiModel):
    """Body of POST and PUT: every field is required."""

    name: StrictStr = Field(max_length=_TEXT_LIMIT)
    value: Amount
    unit: StrictStr = Field(max_length=_TEXT_LIMIT, examples=["per month"])
    currency: CurrencyCode


class PriceMergePatch(ApiModel):
    """Body of PATCH (RFC 7396 JSON merge patch): absent keeps, null is refused."""

    name: StrictStr | None = Field(default=None, max_length=_TEXT_LIMIT)
    value: Amount | None = None
    unit: StrictStr | None = Field(default=None, max_length=_TEXT_LIMIT)
    currency: CurrencyCode | None = None

    @field_validator("name", "value", "unit", "currency", mode="before")
    @classmethod
    def _required_fields_cannot_be_removed(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("is required and cannot be removed (null)")
        return value


class SagaLock(ApiModel):
    """Body of lock and unlock: the saga that holds (or releases) the lock."""

    saga_id: uuid.UUID


class PricePublic(ApiModel):
    id: uuid.UUID
    name: str
    value: str = Field(examples=["19.99"], description="Decimal string with two decimals")
    unit: str
    currency: Currency
    locked: bool
    locked_by_saga_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime
