"""The identity service's tables (SQLModel), mapped to and from the domain model."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, String, false
from sqlmodel import Field, SQLModel

from identity_service.domain.model import Role, User
from identity_service.domain.throttle import FailedLogins


class UserRow(SQLModel, table=True):
    __tablename__ = "users"

    id: uuid.UUID = Field(primary_key=True)
    username: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    password_hash: str = Field(max_length=100)
    role: str = Field(max_length=16)
    # The server defaults are the ones revision 0001 created (kept in step by `alembic check`).
    disabled: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    @classmethod
    def from_domain(cls, user: User) -> UserRow:
        return cls(
            id=user.id,
            username=user.username,
            password_hash=user.password_hash,
            role=user.role.value,
            disabled=user.disabled,
            created_at=user.created_at,
            updated_at=user.updated_at,
            version=user.version,
        )

    def to_domain(self) -> User:
        return User(
            id=self.id,
            username=self.username,
            password_hash=self.password_hash,
            role=Role(self.role),
            disabled=self.disabled,
            created_at=self.created_at,
            updated_at=self.updated_at,
            version=self.version,
        )


class FailedLoginRow(SQLModel, table=True):
    __tablename__ = "failed_logins"

    username: str = Field(primary_key=True, max_length=64)
    count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    window_started_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )

    def to_domain(self) -> FailedLogins:
        return FailedLogins(
            username=self.username, count=self.count, window_started_at=self.window_started_at
        )
