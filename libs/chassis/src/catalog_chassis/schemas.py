"""Base model for request and response bodies: Python snake_case, JSON camelCase; and the
rule that no text a client sends may hold a NUL character (Postgres text cannot store one,
so it would otherwise surface as a 500 from the database instead of a 400 naming the field).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, field_validator
from pydantic.alias_generators import to_camel

from catalog_chassis.errors import FieldError, ValidationFailed

NUL = "\x00"
NUL_MESSAGE = "must not contain NUL characters"


def contains_nul(value: Any) -> bool:
    """Whether ``value`` (text, or lists and mappings of them) holds a NUL character."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(contains_nul(item) for item in value)
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    return False


class ApiModel(BaseModel):
    """Accepts both `unitOfMeasure` and `unit_of_measure`; always serializes camelCase."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        from_attributes=True,
    )

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if contains_nul(value):
            raise ValueError(NUL_MESSAGE)
        return value


async def reject_nul_in_query(request: Request) -> None:
    """An app-wide dependency: 400 naming every query parameter whose value holds a NUL."""
    errors = [
        FieldError(name, NUL_MESSAGE)
        for name, value in request.query_params.multi_items()
        if NUL in value or NUL in name
    ]
    if errors:
        raise ValidationFailed("The request is not valid.", errors)
