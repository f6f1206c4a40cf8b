"""The claims of an access token (pure Python; signing lives in infrastructure)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from identity_service.domain.model import User

ACCESS_TOKEN_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class TokenPolicy:
    issuer: str
    audience: str
    lifetime: timedelta = ACCESS_TOKEN_LIFETIME


def access_token_claims(user: User, *, now: datetime, policy: TokenPolicy) -> dict[str, Any]:
    """The contract's claims: ``sub``, ``username``, ``role``, ``iat``, ``exp``, ``iss``,
    ``aud`` and a unique ``jti`` so a token can be told apart from its twins."""
    issued_at = int(now.timestamp())
    return {
        "sub": str(user.id),
        "username": user.username,
        "role": user.role.value,
        "iat": issued_at,
        "exp": issued_at + int(policy.lifetime.total_seconds()),
        "iss": policy.issuer,
        "aud": policy.audience,
        "jti": str(uuid.uuid4()),
    }
