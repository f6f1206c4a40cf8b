"""The catalog's naming rule for characteristics and specifications (pure Python).

Names are 1-200 characters of letters, digits and spaces, compared case-insensitively.
"""

from __future__ import annotations

from catalog_chassis.errors import FieldError

NAME_MAX_LENGTH = 200


def normalize_name(raw: str) -> str:
    """Trim and collapse inner runs of whitespace, so "Download  speed " == "Download speed"."""
    return " ".join(raw.split())


def name_key(name: str) -> str:
    """The form uniqueness is checked in: case-insensitive."""
    return normalize_name(name).casefold()


def name_errors(name: str, *, field: str = "name", punctuation: str = "") -> list[FieldError]:
    """``punctuation``: characters a resource's names may use besides letters, digits and
    spaces (characteristics and specifications allow none)."""
    if not name:
        return [FieldError(field, "is required")]
    errors: list[FieldError] = []
    if len(name) > NAME_MAX_LENGTH:
        errors.append(FieldError(field, f"must be at most {NAME_MAX_LENGTH} characters"))
    allowed = frozenset(" " + punctuation)
    if not all(char.isalnum() or char in allowed for char in name):
        extra = " ".join(punctuation)
        rule = (
            f"letters, digits, spaces and {extra}" if punctuation else "letters, digits and spaces"
        )
        errors.append(FieldError(field, f"may contain only {rule}"))
    return errors
