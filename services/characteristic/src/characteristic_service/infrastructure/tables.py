"""The characteristic service's tables (SQLModel)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, String, Uuid
from sqlmodel import Field, SQLModel

from catalog_chassis.naming import name_key
from characteristic_service.domain.model import Characteristic
from characteristic_service.domain.units import UnitOfMeasure


class CharacteristicRow(SQLModel, table=True):
    __tablename__ = "characteristics"

    id: uuid.UUID = Field(primary_key=True)
    name: str = Field(max_length=200)
    # casefolded name; its unique index makes "Speed" and "SPEED" one name, even under races
    name_key: str = Field(sa_column=Column(String(200), unique=True, nullable=False))
    value: str = Field(max_length=100)
    unit_of_measure: str = Field(max_length=16, index=True)
    version: int
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))

    @staticmethod
    def values_of(characteristic: Characteristic) -> dict[str, object]:
        return {
            "id": characteristic.id,
            "name": characteristic.name,
            "name_key": name_key(characteristic.name),
            "value": characteristic.value,
            "unit_of_measure": characteristic.unit_of_measure.value,
            "version": characteristic.version,
            "created_at": characteristic.created_at,
            "updated_at": characteristic.updated_at,
        }

    def to_domain(self) -> Characteristic:
        return Characteristic(
            id=self.id,
            name=self.name,
            value=self.value,
            unit_of_measure=UnitOfMeasure(self.unit_of_measure),
            version=self.version,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


class CharacteristicUsageRow(SQLModel, table=True):
    """A specification using a characteristic (fed by specification events)."""

    __tablename__ = "characteristic_usages"

    characteristic_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    specification_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True, index=True))
    specification_name: str = Field(max_length=200)


class SpecificationVersionRow(SQLModel, table=True):
    """The newest version seen of each specification (kept after its deletion), so a late,
    older event cannot bring back usages that a newer one replaced or released."""

    __tablename__ = "specification_versions"

    specification_id: uuid.UUID = Field(primary_key=True)
    version: int
