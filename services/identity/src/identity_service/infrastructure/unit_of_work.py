"""The identity service's unit of work: users and login failures."""

from __future__ import annotations

from typing import Self

from catalog_chassis.outbox.uow import SqlAlchemyUnitOfWork
from catalog_chassis.repositories import integrity_error_as_conflict
from identity_service.application.ports import LoginFailures, UserRepository
from identity_service.infrastructure.repositories import SqlLoginFailures, SqlUserRepository


class IdentityUnitOfWork(SqlAlchemyUnitOfWork):
    users: UserRepository
    login_failures: LoginFailures

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.users = SqlUserRepository(self.session)
        self.login_failures = SqlLoginFailures(self.session)
        return self

    async def commit(self) -> None:
        # Two requests raced for one username; the unique index decided.
        async with integrity_error_as_conflict("The username is taken."):
            await super().commit()
