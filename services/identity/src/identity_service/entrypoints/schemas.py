"""Request and response bodies of the identity API."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from catalog_chassis.errors import FieldError, ValidationFailed
from catalog_chassis.schemas import ApiModel
from identity_service.domain.model import Role

USERNAME_MAX_LENGTH = 64
PASSWORD_MAX_LENGTH = 200


class LoginRequest(ApiModel):
    username: str = Field(min_length=1, max_length=USERNAME_MAX_LENGTH)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)


def check_login_lengths(username: str, password: str) -> None:
    """The form-encoded token request's fields, held to LoginRequest's limits (400)."""
    errors = [
        FieldError(name, f"must be 1 to {limit} characters")
        for name, value, limit in (
            ("username", username, USERNAME_MAX_LENGTH),
            ("password", password, PASSWORD_MAX_LENGTH),
        )
        if not 1 <= len(value) <= limit
    ]
    if errors:
        raise ValidationFailed("The login request is invalid.", errors)


class TokenResponse(BaseModel):
    """OAuth2's token response keeps its snake_case names (RFC 6749 §5.1)."""

    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class PublicKeyResponse(ApiModel):
    kid: str
    alg: str
    public_key: str


class UserCreate(ApiModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)
    role: Role = Role.USER


class UserPublic(ApiModel):
    id: uuid.UUID
    username: str
    role: Role
    disabled: bool
    version: int
    created_at: datetime
    updated_at: datetime
