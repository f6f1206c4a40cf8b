"""The identity service's tables (SQLModel), mapped to and from the domain model."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, Index, String, false
from sqlmodel import Field, SQLModel

from identity_service.domain.model import Role, User


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


class LoginFailureRow(SQLModel, table=True):
    """Failed logins of a username from one client address; client ``*``: from any."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_last_failure_at", "last_failure_at"),)

    username: str = Field(primary_key=True, max_length=64)
    client: str = Field(primary_key=True, max_length=64)
    count: int
    last_failure_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
