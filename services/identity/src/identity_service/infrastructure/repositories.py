"""SQL repositories for users and failed logins."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from identity_service.domain.model import User
from identity_service.domain.throttle import FailedLogins
from identity_service.infrastructure.tables import FailedLoginRow, UserRow


class SqlUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: str) -> User | None:
        try:
            key = uuid.UUID(user_id)
        except ValueError:
            return None
        row = await self._session.get(UserRow, key)
        return row.to_domain() if row else None

    async def get_by_username(self, username: str) -> User | None:
        row = (
            await self._session.execute(select(UserRow).where(col(UserRow.username) == username))
        ).scalar_one_or_none()
        return row.to_domain() if row else None

    async def add(self, user: User) -> None:
        self._session.add(UserRow.from_domain(user))

    async def save(self, user: User) -> None:
        await self._session.merge(UserRow.from_domain(user))

    async def list(self, *, limit: int, offset: int) -> tuple[list[User], int]:
        total = (
            await self._session.execute(select(func.count()).select_from(UserRow))
        ).scalar_one()
        rows = (
            await self._session.execute(
                select(UserRow).order_by(UserRow.username).limit(limit).offset(offset)
            )
        ).scalars()
        return [row.to_domain() for row in rows], total


class SqlFailedLoginRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, username: str) -> FailedLogins:
        row = await self._session.get(FailedLoginRow, username)
        return row.to_domain() if row else FailedLogins(username=username)

    async def save(self, failures: FailedLogins) -> None:
        values = {
            "username": failures.username,
            "count": failures.count,
            "window_started_at": failures.window_started_at,
        }
        statement = insert(FailedLoginRow).values(**values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["username"],
                set_={
                    "count": statement.excluded.count,
                    "window_started_at": statement.excluded.window_started_at,
                },
            )
        )

    async def clear(self, username: str) -> None:
        row = await self._session.get(FailedLoginRow, username)
        if row is not None:
            await self._session.delete(row)
