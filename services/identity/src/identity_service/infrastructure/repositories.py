"""SQL repositories for users and login failures."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from identity_service.domain.model import User
from identity_service.domain.throttle import Failures
from identity_service.infrastructure.tables import LoginFailureRow, UserRow


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


ANY_CLIENT = "*"


class SqlLoginFailures:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, username: str, client: str) -> tuple[Failures, Failures]:
        rows = (
            await self._session.execute(
                select(LoginFailureRow).where(
                    col(LoginFailureRow.username) == username,
                    col(LoginFailureRow.client).in_([client, ANY_CLIENT]),
                )
            )
        ).scalars()
        found = {row.client: Failures(row.count, row.last_failure_at) for row in rows}
        return found.get(client, Failures()), found.get(ANY_CLIENT, Failures())

    async def record(self, username: str, client: str, now: datetime, window: timedelta) -> None:
        table = LoginFailureRow.__table__  # type: ignore[attr-defined]
        statement = insert(table).values(
            [
                {"username": username, "client": key, "count": 1, "last_failure_at": now}
                for key in (client, ANY_CLIENT)
            ]
        )
        # One statement for both counts; concurrent failures each add one (row locks).
        restart = table.c.last_failure_at < now - window
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["username", "client"],
                set_={
                    "count": case((restart, 1), else_=table.c.count + 1),
                    "last_failure_at": func.greatest(table.c.last_failure_at, now),
                },
            )
        )

    async def clear(self, username: str, client: str) -> None:
        await self._session.execute(
            delete(LoginFailureRow).where(
                col(LoginFailureRow.username) == username, col(LoginFailureRow.client) == client
            )
        )

    async def purge(self, older_than: datetime) -> int:
        result = await self._session.execute(
            delete(LoginFailureRow).where(col(LoginFailureRow.last_failure_at) < older_than)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
