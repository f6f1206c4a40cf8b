"""The characteristic service's tables (SQLModel)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, String
from sqlmodel import Field, SQLModel

from catalog_chassis.naming import name_key
from catalog_chassis.usage_tables import usage_tables
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


# Which specifications use each characteristic (fed by specification events), and the newest
# version seen of each specification (kept after its deletion).
SPECIFICATION_USAGES = usage_tables(referenced="characteristic", referrer="specification")
