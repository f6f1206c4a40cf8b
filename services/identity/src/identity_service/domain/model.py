"""Users and their roles: the identity service's domain model (pure Python)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from catalog_chassis.errors import FieldError, ValidationFailed

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PASSWORD_MIN_LENGTH = 8
# bcrypt only looks at the first 72 bytes; longer passwords would be silently truncated.
PASSWORD_MAX_BYTES = 72


class Role(StrEnum):
    ADMIN = "ADMIN"
    USER = "USER"


def normalize_username(raw: str) -> str:
    """Usernames are case-insensitive: ``Admin`` and ``admin`` are one account."""
    return raw.strip().lower()


def check_username(username: str) -> None:
    if not USERNAME_PATTERN.fullmatch(username):
        raise ValidationFailed(
            "The username is not valid.",
            [
                FieldError(
                    "username",
                    "must be 2-64 characters: lowercase letters, digits, '.', '_' or '-', "
                    "starting with a letter or digit",
                )
            ],
        )


def check_password_policy(password: str, *, username: str) -> None:
    """The policy for passwords chosen by people (demo accounts are seeded outside it)."""
    problems: list[str] = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append(f"must be at least {PASSWORD_MIN_LENGTH} characters")
    if len(password.encode()) > PASSWORD_MAX_BYTES:
        problems.append(f"must be at most {PASSWORD_MAX_BYTES} bytes")
    if password.strip() != password or not password.strip():
        problems.append("must not start or end with whitespace")
    if normalize_username(password) == username:
        problems.append("must not equal the username")
    if problems:
        raise ValidationFailed(
            "The password does not meet the policy.",
            [FieldError("password", message) for message in problems],
        )


@dataclass(kw_only=True)
class User:
    username: str
    password_hash: str
    role: Role
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    disabled: bool = False
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    version: int = 1

    @property
    def can_log_in(self) -> bool:
        return not self.disabled

    def change_password_hash(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.updated_at = datetime.now(UTC)
        self.version += 1
