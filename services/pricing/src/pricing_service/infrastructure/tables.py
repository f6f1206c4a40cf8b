"""The pricing service's tables (SQLModel)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, DateTime, Numeric, String, Uuid
from sqlmodel import Field, SQLModel

from catalog_chassis.naming import name_key
from catalog_chassis.usage_tables import usage_tables
from pricing_service.domain.model import Price
from pricing_service.domain.money import Currency


class PriceRow(SQLModel, table=True):
    __tablename__ = "prices"
    __table_args__ = (CheckConstraint("value > 0", name="ck_prices_value_positive"),)

    id: uuid.UUID = Field(primary_key=True)
    name: str = Field(max_length=200)
    # casefolded name; its unique index makes "Basic" and "BASIC" one name, even under races
    name_key: str = Field(sa_column=Column(String(200), unique=True, nullable=False))
    # exact decimal, never a float: 19.99 stays 19.99
    value: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))
    unit: str = Field(max_length=50)
    currency: str = Field(max_length=3, index=True)
    # NULL when unlocked; "locked" is derived from it so the two can never disagree
    locked_by_saga_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid()))
    version: int
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))

    @staticmethod
    def values_of(price: Price) -> dict[str, object]:
        return {
            "id": price.id,
            "name": price.name,
            "name_key": name_key(price.name),
            "value": price.value,
            "unit": price.unit,
            "currency": price.currency.value,
            "locked_by_saga_id": price.locked_by_saga_id,
            "version": price.version,
            "created_at": price.created_at,
            "updated_at": price.updated_at,
        }

    def to_domain(self) -> Price:
        return Price(
            id=self.id,
            name=self.name,
            value=self.value,
            unit=self.unit,
            currency=Currency(self.currency),
            locked_by_saga_id=self.locked_by_saga_id,
            version=self.version,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


# Which offerings use each price (fed by offering events), and the newest version seen of
# each offering (kept after its deletion).
OFFERING_USAGES = usage_tables(referenced="price", referrer="offering")
