"""The offering service's tables (SQLModel)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Uuid
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from catalog_chassis.naming import name_key
from offering_service.domain.model import LifecycleStatus, Offering, SalesChannel
from offering_service.domain.references import KnownResource


class OfferingRow(SQLModel, table=True):
    __tablename__ = "offerings"
    __table_args__ = (Index("ix_offerings_lifecycle_status", "lifecycle_status"),)

    id: uuid.UUID = Field(primary_key=True)
    name: str = Field(max_length=200)
    # casefolded name; its unique index makes "Fibre" and "FIBRE" one name, even under races
    name_key: str = Field(sa_column=Column(String(200), unique=True, nullable=False))
    description: str | None = Field(default=None, max_length=2000)
    # Arrays keep the client's order, which join tables would need a position column for.
    specification_ids: list[uuid.UUID] = Field(sa_column=Column(ARRAY(Uuid), nullable=False))
    price_ids: list[uuid.UUID] = Field(sa_column=Column(ARRAY(Uuid), nullable=False))
    sales_channels: list[str] = Field(sa_column=Column(ARRAY(String(32)), nullable=False))
    lifecycle_status: str = Field(max_length=16)
    publication_failure_reason: str | None = Field(default=None, max_length=2000)
    saga_id: uuid.UUID | None = Field(default=None)
    published_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    retired_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    version: int
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))

    @staticmethod
    def values_of(offering: Offering) -> dict[str, object]:
        return {
            "id": offering.id,
            "name": offering.name,
            "name_key": name_key(offering.name),
            "description": offering.description,
            "specification_ids": list(offering.specification_ids),
            "price_ids": list(offering.price_ids),
            "sales_channels": [channel.value for channel in offering.sales_channels],
            "lifecycle_status": offering.lifecycle_status.value,
            "publication_failure_reason": offering.publication_failure_reason,
            "saga_id": offering.saga_id,
            "published_at": offering.published_at,
            "retired_at": offering.retired_at,
            "version": offering.version,
            "created_at": offering.created_at,
            "updated_at": offering.updated_at,
        }

    def to_domain(self) -> Offering:
        return Offering(
            id=self.id,
            name=self.name,
            description=self.description,
            specification_ids=list(self.specification_ids),
            price_ids=list(self.price_ids),
            sales_channels=[SalesChannel(channel) for channel in self.sales_channels],
            lifecycle_status=LifecycleStatus(self.lifecycle_status),
            publication_failure_reason=self.publication_failure_reason,
            saga_id=self.saga_id,
            published_at=self.published_at,
            retired_at=self.retired_at,
            version=self.version,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


def _cache_tables(kind: str) -> tuple[Table, Table]:
    """The cache of the ``kind``s this service has heard of (id, name, version; see
    application.ports) and the tombstones of the deleted ones (a late created/updated event
    for them must not bring them back)."""
    known = Table(
        f"known_{kind}s",
        SQLModel.metadata,
        Column("id", Uuid, primary_key=True),
        Column("name", String(200), nullable=False),
        Column("version", Integer, nullable=False),
    )
    removed = Table(
        f"removed_{kind}s",
        SQLModel.metadata,
        Column("id", Uuid, primary_key=True),
        Column("version", Integer, nullable=False),
        Column("removed_at", DateTime(timezone=True), nullable=False),
    )
    return known, removed


KNOWN_SPECIFICATIONS, REMOVED_SPECIFICATIONS = _cache_tables("specification")
KNOWN_PRICES, REMOVED_PRICES = _cache_tables("price")


def known_values(resource: KnownResource) -> dict[str, object]:
    """A cached specification or price as its row."""
    return {"id": resource.id, "name": resource.name, "version": resource.version}


class PublicationRequestRow(SQLModel, table=True):
    """A saga to start (written with the move to PUBLISHING, removed once started)."""

    __tablename__ = "publication_requests"
    __table_args__ = (Index("ix_publication_requests_next_attempt_at", "next_attempt_at"),)

    saga_id: uuid.UUID = Field(primary_key=True)
    offering_id: uuid.UUID
    variables: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    requested_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_error: str | None = Field(default=None, max_length=2000)
