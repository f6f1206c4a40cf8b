"""The identity service's unit of work: users and failed logins in one transaction."""

from __future__ import annotations

from typing import Self

from sqlalchemy.exc import IntegrityError

from catalog_chassis.errors import Conflict
from catalog_chassis.outbox.uow import SqlAlchemyUnitOfWork
from identity_service.infrastructure.repositories import (
    SqlFailedLoginRepository,
    SqlUserRepository,
)


class IdentityUnitOfWork(SqlAlchemyUnitOfWork):
    users: SqlUserRepository
    failed_logins: SqlFailedLoginRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.users = SqlUserRepository(self.session)
        self.failed_logins = SqlFailedLoginRepository(self.session)
        return self

    async def commit(self) -> None:
        try:
            await super().commit()
        except IntegrityError as error:
            # Two requests raced for one username; the unique index decided.
            raise Conflict("The username is taken.") from error
