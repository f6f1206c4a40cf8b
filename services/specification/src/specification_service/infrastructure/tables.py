"""The specification service's tables (SQLModel)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, Index, String, Uuid
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from catalog_chassis.naming import name_key
from catalog_chassis.usage_tables import usage_tables
from specification_service.domain.characteristics import KnownCharacteristic
from specification_service.domain.model import Specification


class SpecificationRow(SQLModel, table=True):
    __tablename__ = "specifications"
    # GIN: "specifications using this characteristic" is an array-contains query.
    __table_args__ = (
        Index("ix_specifications_characteristic_ids", "characteristic_ids", postgresql_using="gin"),
    )

    id: uuid.UUID = Field(primary_key=True)
    name: str = Field(max_length=200)
    # casefolded name; its unique index makes "Fibre" and "FIBRE" one name, even under races
    name_key: str = Field(sa_column=Column(String(200), unique=True, nullable=False))
    description: str | None = Field(default=None, max_length=2000)
    # An array keeps the client's order, which a join table would need a position column for.
    characteristic_ids: list[uuid.UUID] = Field(sa_column=Column(ARRAY(Uuid), nullable=False))
    version: int
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))

    @staticmethod
    def values_of(specification: Specification) -> dict[str, object]:
        return {
            "id": specification.id,
            "name": specification.name,
            "name_key": name_key(specification.name),
            "description": specification.description,
            "characteristic_ids": list(specification.characteristic_ids),
            "version": specification.version,
            "created_at": specification.created_at,
            "updated_at": specification.updated_at,
        }

    def to_domain(self) -> Specification:
        return Specification(
            id=self.id,
            name=self.name,
            description=self.description,
            characteristic_ids=list(self.characteristic_ids),
            version=self.version,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


class CachedCharacteristicRow(SQLModel, table=True):
    """The local copy of a characteristic (see application.ports.CharacteristicCache)."""

    __tablename__ = "cached_characteristics"

    id: uuid.UUID = Field(primary_key=True)
    name: str = Field(max_length=200)
    value: str = Field(max_length=100)
    unit_of_measure: str = Field(max_length=16)
    version: int
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))

    @staticmethod
    def values_of(characteristic: KnownCharacteristic) -> dict[str, object]:
        return {
            "id": characteristic.id,
            "name": characteristic.name,
            "value": characteristic.value,
            "unit_of_measure": characteristic.unit_of_measure,
            "version": characteristic.version,
            "updated_at": characteristic.updated_at,
        }


class RemovedCharacteristicRow(SQLModel, table=True):
    """A tombstone: the characteristic was deleted at ``version``; a late created/updated
    event for it must not bring it back into the cache."""

    __tablename__ = "removed_characteristics"

    id: uuid.UUID = Field(primary_key=True)
    version: int
    removed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


# Which offerings use each specification (fed by offering events), and the newest version
# seen of each offering (kept after its deletion).
OFFERING_USAGES = usage_tables(referenced="specification", referrer="offering")
