"""A service's own access token, for calls it makes on nobody's behalf (a projection that
fills a gap, a rebuild): it logs in to the identity service with its account and reuses
the token until shortly before it expires."""

from __future__ import annotations

import asyncio
import time

from catalog_chassis.errors import ServiceUnavailable
from catalog_chassis.http_client import ServiceClient

LOGIN_PATH = "/api/v1/auth/login"
# Renew this long before the token expires, so a call never carries a token about to lapse.
RENEW_MARGIN_SECONDS = 60.0


class ServiceToken:
    """``await token()`` → a bearer token for ``username``; logs in when there is none or it
    is about to expire (one login at a time). ServiceUnavailable when identity cannot issue
    one (down, or the account refused — a configuration fault the caller cannot fix)."""

    def __init__(self, identity: ServiceClient, username: str, password: str) -> None:
        self._identity = identity
        self._username = username
        self._password = password
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def __call__(self) -> str:
        async with self._lock:
            if self._token is None or time.monotonic() >= self._renew_at:
                await self._log_in()
            assert self._token is not None
            return self._token

    def forget(self) -> None:
        """Drop the cached token (e.g. after a 401: keys rotated); the next call logs in."""
        self._token = None

    async def _log_in(self) -> None:
        response = await self._identity.post(
            LOGIN_PATH, json={"username": self._username, "password": self._password}
        )
        if response.status_code != 200:
            raise ServiceUnavailable(
                f"{self._identity.name} refused the login of service account "
                f"{self._username!r} (HTTP {response.status_code})"
            )
        body = response.json()
        self._token = str(body["access_token"])
        lifetime = float(body.get("expires_in", 3600))
        self._renew_at = time.monotonic() + max(lifetime - RENEW_MARGIN_SECONDS, 0.0)

    async def aclose(self) -> None:
        await self._identity.aclose()
