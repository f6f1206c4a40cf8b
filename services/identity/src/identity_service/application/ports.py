"""What the use cases need from the outside world."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from identity_service.domain.model import User
from identity_service.domain.throttle import Failures


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password: str, password_hash: str) -> bool: ...

    def burn_time(self, password: str) -> None:
        """Spend the time of one verification, so unknown users answer like known ones."""
        ...


class TokenSigner(Protocol):
    def sign(self, claims: dict[str, Any]) -> str: ...


class PublishedKeys(Protocol):
    """The public half of the signing keys, as services verify tokens with it."""

    @property
    def kid(self) -> str: ...

    @property
    def algorithm(self) -> str: ...

    def jwks(self) -> dict[str, Any]:
        """RFC 7517 JWKS: the current key and the previous ones still trusted."""
        ...

    def public_key_pem(self) -> str: ...


class UserRepository(Protocol):
    async def get(self, user_id: str) -> User | None: ...

    async def get_by_username(self, username: str) -> User | None: ...

    async def add(self, user: User) -> None: ...

    async def save(self, user: User) -> None:
        """Write a changed user (its password hash, version and timestamp)."""
        ...

    async def list(self, *, limit: int, offset: int) -> tuple[list[User], int]: ...


class LoginFailures(Protocol):
    """Failed logins per (username, client address) and per username across all clients."""

    async def get(self, username: str, client: str) -> tuple[Failures, Failures]:
        """This client's failures for the username, and the username's overall."""
        ...

    async def record(self, username: str, client: str, now: datetime, window: timedelta) -> None:
        """Count one failure for both, atomically (a count older than ``window`` restarts)."""
        ...

    async def clear(self, username: str, client: str) -> None:
        """Forget this client's failures for the username (it logged in)."""
        ...

    async def purge(self, older_than: datetime) -> int:
        """Drop the counts whose last failure is older; how many."""
        ...


class UnitOfWork(Protocol):
    users: UserRepository
    login_failures: LoginFailures

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def commit(self) -> None: ...
