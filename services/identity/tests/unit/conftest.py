"""In-memory adapters for fast use-case tests."""

from __future__ import annotations

from typing import Any

from identity_service.domain.model import User
from identity_service.domain.throttle import Failures


class FakeUsers:
    def __init__(self) -> None:
        self.rows: dict[str, User] = {}

    async def get(self, user_id: str) -> User | None:
        return next((u for u in self.rows.values() if str(u.id) == user_id), None)

    async def get_by_username(self, username: str) -> User | None:
        return self.rows.get(username)

    async def add(self, user: User) -> None:
        self.rows[user.username] = user

    async def save(self, user: User) -> None:
        self.rows[user.username] = user

    async def list(self, *, limit: int, offset: int) -> tuple[list[User], int]:
        users = sorted(self.rows.values(), key=lambda u: u.username)
        return users[offset : offset + limit], len(users)


class FakeLoginFailures:
    """Counts per (username, client) and per (username, "*"), like the SQL adapter."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Failures] = {}

    async def get(self, username: str, client: str) -> tuple[Failures, Failures]:
        return (
            self.rows.get((username, client), Failures()),
            self.rows.get((username, "*"), Failures()),
        )

    async def record(self, username, client, now, window) -> None:
        for key in ((username, client), (username, "*")):
            held = self.rows.get(key, Failures())
            restart = held.last_failure_at is None or held.last_failure_at < now - window
            self.rows[key] = Failures(1 if restart else held.count + 1, now)

    async def clear(self, username: str, client: str) -> None:
        self.rows.pop((username, client), None)

    async def purge(self, older_than) -> int:
        old = [key for key, f in self.rows.items() if f.last_failure_at < older_than]
        for key in old:
            del self.rows[key]
        return len(old)


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.users = FakeUsers()
        self.login_failures = FakeLoginFailures()
        self.commits = 0

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    async def commit(self) -> None:
        self.commits += 1


class PlainHasher:
    """Reversible 'hash' so tests run in microseconds; counts the time-burning calls."""

    def __init__(self) -> None:
        self.burned = 0

    def hash(self, password: str) -> str:
        return f"plain:{password}"

    def verify(self, password: str, password_hash: str) -> bool:
        return password_hash == f"plain:{password}"

    def burn_time(self, password: str) -> None:
        self.burned += 1


class RecordingSigner:
    def __init__(self) -> None:
        self.signed: list[dict[str, Any]] = []

    def sign(self, claims: dict[str, Any]) -> str:
        self.signed.append(claims)
        return f"token-{len(self.signed)}"


# -- fixtures -------------------------------------------------------------------------------

from datetime import UTC, datetime, timedelta  # noqa: E402

import pytest  # noqa: E402

from identity_service.application.use_cases import IdentityService  # noqa: E402
from identity_service.domain.tokens import TokenPolicy  # noqa: E402


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def hasher() -> PlainHasher:
    return PlainHasher()


@pytest.fixture
def signer() -> RecordingSigner:
    return RecordingSigner()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(uow, hasher, signer, clock) -> IdentityService:
    return IdentityService(
        uow_factory=lambda: uow,
        hasher=hasher,
        signer=signer,
        token_policy=TokenPolicy(issuer="catalog-identity", audience="catalog-api"),
        clock=clock,
    )
