"""Bearer-token authentication: RS256 JWTs issued by the identity service, verified locally.

`TokenVerifier` checks signature (RS256 only), expiry, issuer, audience and the claims the
platform relies on, with the public keys from a cached JWKS. An unknown `kid` (key rotation)
triggers one refresh, rate-limited so a flood of forged kids cannot hammer the identity
service. The FastAPI dependencies read the verifier from `app.state.token_verifier`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from catalog_chassis.errors import Forbidden, ServiceUnavailable, Unauthorized

ALGORITHM = "RS256"
TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 - a route, not a credential

# Returns a JWKS document ({"keys": [...]}); the identity service passes its own keys.
KeySource = Callable[[], Awaitable[Mapping[str, Any]]]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AuthenticatedUser:
    id: str
    username: str
    role: str


def jwks_from_url(
    url: str, *, timeout: float = 3.0, transport: httpx.AsyncBaseTransport | None = None
) -> KeySource:
    """A key source that downloads the JWKS; a client per fetch, as fetches are rare."""

    async def fetch() -> Mapping[str, Any]:
        async with httpx.AsyncClient(timeout=timeout, transport=transport) as client:
            response = await client.get(url)
            response.raise_for_status()
            document: Mapping[str, Any] = response.json()
            return document

    return fetch


class TokenVerifier:
    def __init__(
        self,
        *,
        key_source: KeySource,
        issuer: str,
        audience: str,
        leeway_seconds: int = 30,
        min_refresh_interval_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        verified_cache_size: int = 10_000,
    ) -> None:
        self._key_source = key_source
        self._leeway = leeway_seconds
        self._min_refresh_interval = min_refresh_interval_seconds
        self._clock = clock
        self._keys: dict[str, RSAKey] = {}
        self._last_fetch: float | None = None
        self._fetch_lock = asyncio.Lock()
        self._wall_clock = wall_clock
        self._claims_registry = jwt.JWTClaimsRegistry(
            leeway=leeway_seconds,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            sub={"essential": True},
            role={"essential": True},
        )
        # Tokens already verified, until they expire: a client sends the same token with
        # every request, and an RS256 verification costs ~0.1 ms of CPU. Bounded (least
        # recently used out); a token is valid until `exp` whatever happens to the keys.
        self._verified: OrderedDict[str, tuple[AuthenticatedUser, float]] = OrderedDict()
        self._verified_max = verified_cache_size

    @classmethod
    def from_jwks_url(
        cls,
        url: str,
        *,
        issuer: str,
        audience: str,
        transport: httpx.AsyncBaseTransport | None = None,
        leeway_seconds: int = 30,
        min_refresh_interval_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> TokenVerifier:
        return cls(
            key_source=jwks_from_url(url, transport=transport),
            issuer=issuer,
            audience=audience,
            leeway_seconds=leeway_seconds,
            min_refresh_interval_seconds=min_refresh_interval_seconds,
            clock=clock,
        )

    async def verify(self, token: str) -> AuthenticatedUser:
        """The user the token speaks for; `Unauthorized` for anything not genuine and current."""
        cached = self._verified.get(token)
        if cached is not None:
            user, valid_until = cached
            if self._wall_clock() <= valid_until:
                self._verified.move_to_end(token)
                return user
            del self._verified[token]
        header = _unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("Token must be signed with RS256")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthorized("Token has no key id")
        key = await self._key_for(kid)
        if key is None:
            raise Unauthorized("Token is signed with an unknown key")
        try:
            claims = jwt.decode(token, key, algorithms=[ALGORITHM]).claims
            self._claims_registry.validate(claims)
        except JoseError as error:
            raise Unauthorized(f"Invalid token: {error.description or error.error}") from error
        user = _user_from(claims)
        self._remember(token, user, float(claims["exp"]) + self._leeway)
        return user

    def _remember(self, token: str, user: AuthenticatedUser, valid_until: float) -> None:
        self._verified[token] = (user, valid_until)
        if len(self._verified) > self._verified_max:
            self._verified.popitem(last=False)

    async def _key_for(self, kid: str) -> RSAKey | None:
        if kid in self._keys:
            return self._keys[kid]
        async with self._fetch_lock:
            # Another request may have refreshed while this one waited for the lock.
            if kid not in self._keys and self._may_fetch():
                await self._refresh()
        return self._keys.get(kid)

    def _may_fetch(self) -> bool:
        if self._last_fetch is None:
            return True
        return self._clock() - self._last_fetch >= self._min_refresh_interval

    async def _refresh(self) -> None:
        self._last_fetch = self._clock()
        try:
            document = await self._key_source()
            key_set = KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (httpx.HTTPError, JoseError, ValueError, TypeError, KeyError) as error:
            if not self._keys:
                raise ServiceUnavailable("Token signing keys are unavailable") from error
            logger.warning("Refreshing the token signing keys failed: %s", error)
            return
        self._keys = {
            key.kid: key for key in key_set if isinstance(key, RSAKey) and key.kid is not None
        }


def _unverified_header(token: str) -> dict[str, Any]:
    try:
        header: dict[str, Any] = jws.extract_compact(token.encode("ascii")).headers()
    except (JoseError, ValueError, UnicodeError) as error:
        raise Unauthorized("Malformed token") from error
    return header


def _user_from(claims: Mapping[str, Any]) -> AuthenticatedUser:
    subject, role = claims["sub"], claims["role"]
    username = claims.get("username", subject)
    if not (isinstance(role, str) and role and isinstance(username, str)):
        raise Unauthorized("Token claims are malformed")
    return AuthenticatedUser(id=subject, username=username, role=role)


# auto_error=False: a missing token must become our 401 problem, not FastAPI's plain 401.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


async def current_user(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> AuthenticatedUser:
    if not token:
        raise Unauthorized("A bearer token is required")
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.verify(token)


CurrentUser = Annotated[AuthenticatedUser, Depends(current_user)]


def require_role(*roles: str) -> Callable[[AuthenticatedUser], Awaitable[AuthenticatedUser]]:
    """A dependency admitting only users with one of `roles` (403 for anyone else)."""
    allowed = frozenset(roles)

    async def user_with_role(user: CurrentUser) -> AuthenticatedUser:
        if user.role not in allowed:
            raise Forbidden(f"This operation requires the role {' or '.join(sorted(allowed))}")
        return user

    return user_with_role


AdminUser = Annotated[AuthenticatedUser, Depends(require_role("ADMIN"))]
