"""The identity service's use cases: log in, read the current user, manage users."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from catalog_chassis.errors import Conflict, NotFound, TooManyRequests, Unauthorized
from identity_service.application.ports import PasswordHasher, TokenSigner, UnitOfWork
from identity_service.domain.model import (
    Role,
    User,
    check_password_policy,
    check_username,
    normalize_username,
)
from identity_service.domain.throttle import ThrottlePolicy, retry_after_seconds
from identity_service.domain.tokens import TokenPolicy, access_token_claims

logger = logging.getLogger(__name__)

INVALID_CREDENTIALS = "The username or password is incorrect."


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the OAuth2 token type, not a secret


class LoginThrottled(TooManyRequests):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Too many failed logins for this username from this client; try again later.",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


@dataclass
class IdentityService:
    """One object per process, built in bootstrap; each call opens its own unit of work."""

    uow_factory: Callable[[], UnitOfWork]
    hasher: PasswordHasher
    signer: TokenSigner
    token_policy: TokenPolicy
    throttle_policy: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    async def log_in(self, raw_username: str, password: str, *, client: str) -> IssuedToken:
        """``client`` is the caller's address (as the trusted edge reports it). The password
        is checked in a worker thread with no transaction open: bcrypt takes ≈ 0.6 s and
        must stall neither the event loop nor a database connection."""
        username = normalize_username(raw_username)
        now = self.clock()
        async with self.uow_factory() as uow:
            client_failures, username_failures = await uow.login_failures.get(username, client)
            user = await uow.users.get_by_username(username)
        retry_after = retry_after_seconds(
            client_failures, username_failures, now, self.throttle_policy
        )
        if retry_after is not None:
            logger.warning("login throttled", extra={"username": username, "client": client})
            raise LoginThrottled(retry_after)

        if user is None:
            await asyncio.to_thread(self.hasher.burn_time, password)
            verified = False
        else:
            verified = user.can_log_in and await asyncio.to_thread(
                self.hasher.verify, password, user.password_hash
            )

        if not verified or user is None:
            async with self.uow_factory() as uow:
                await uow.login_failures.record(username, client, now, self.throttle_policy.window)
                await uow.commit()
            logger.warning(
                "login failed",
                extra={
                    "username": username,
                    "client": client,
                    "failed_attempts": client_failures.current(now, self.throttle_policy) + 1,
                },
            )
            raise Unauthorized(INVALID_CREDENTIALS)

        if client_failures.count:
            async with self.uow_factory() as uow:
                await uow.login_failures.clear(username, client)
                await uow.commit()

        claims = access_token_claims(user, now=now, policy=self.token_policy)
        logger.info("login succeeded", extra={"username": username, "client": client})
        return IssuedToken(
            access_token=self.signer.sign(claims),
            expires_in=int(self.token_policy.lifetime.total_seconds()),
        )

    async def purge_login_failures(self) -> int:
        """Forget the failures older than the throttle window (run on a schedule)."""
        async with self.uow_factory() as uow:
            purged = await uow.login_failures.purge(self.clock() - self.throttle_policy.window)
            await uow.commit()
        return purged

    async def get_user(self, user_id: str) -> User:
        async with self.uow_factory() as uow:
            user = await uow.users.get(user_id)
        if user is None:
            raise NotFound(f"No user with id {user_id}.")
        return user

    async def list_users(self, *, limit: int, offset: int) -> tuple[list[User], int]:
        async with self.uow_factory() as uow:
            return await uow.users.list(limit=limit, offset=offset)

    async def create_user(self, raw_username: str, password: str, role: Role) -> User:
        username = normalize_username(raw_username)
        check_username(username)
        check_password_policy(password, username=username)
        return await self._add_user(username, password, role)

    async def ensure_demo_user(self, username: str, password: str, role: Role) -> bool:
        """Seed a demo account (the contract fixes admin/admin and user/user, which the
        password policy would refuse). Returns True when the account was created."""
        async with self.uow_factory() as uow:
            if await uow.users.get_by_username(username) is not None:
                return False
        try:
            await self._add_user(username, password, role)
        except Conflict:
            return False  # another seeder won the race: the account exists, which is the goal
        return True

    async def ensure_service_account(self, username: str, password: str) -> bool:
        """A service's own account (role USER: it reads the catalog on nobody's behalf, e.g.
        the store filling a gap or rebuilding). Idempotent: an existing account gets this
        password (its secret is the source of truth, so rotating the secret and running
        this again rotates the login). True when it was created."""
        if await self.ensure_demo_user(username, password, Role.USER):
            return True
        async with self.uow_factory() as uow:
            account = await uow.users.get_by_username(username)
            if account is None or self.hasher.verify(password, account.password_hash):
                return False
            account.change_password_hash(self.hasher.hash(password))
            await uow.users.save(account)
            await uow.commit()
        return False

    async def _add_user(self, username: str, password: str, role: Role) -> User:
        user = User(username=username, password_hash=self.hasher.hash(password), role=role)
        async with self.uow_factory() as uow:
            if await uow.users.get_by_username(username) is not None:
                raise Conflict(f"The username '{username}' is taken.")
            await uow.users.add(user)
            await uow.commit()
        return user
