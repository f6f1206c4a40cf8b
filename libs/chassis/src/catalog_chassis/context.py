"""Request-scoped context shared by logging, tracing, HTTP clients and the outbox.

Kept free of framework imports so that any layer can read the current correlation id.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar, Token

CORRELATION_HEADER = "X-Correlation-ID"

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def get_correlation_id() -> str | None:
    """The correlation id of the request or message being handled, if any."""
    return _correlation_id.get()


def set_correlation_id(value: str | None) -> Token[str | None]:
    return _correlation_id.set(value)


def reset_correlation_id(token: Token[str | None]) -> None:
    _correlation_id.reset(token)


def new_correlation_id() -> str:
    return str(uuid.uuid4())
