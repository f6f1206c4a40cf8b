"""The price aggregate: an amount in a currency per unit ("19.99 EUR per month").

A running publication saga locks the prices of the offering it publishes, so that what the
store shows is what was validated; while locked, a price can be neither changed nor deleted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from catalog_chassis.domain import VersionedAggregate, iso_timestamp
from catalog_chassis.errors import Conflict, FieldError, Locked, ValidationFailed
from catalog_chassis.naming import normalize_name
from pricing_service.domain.money import (
    Currency,
    InvalidAmount,
    UnknownCurrency,
    format_amount,
    parse_amount,
    parse_currency,
)
from pricing_service.domain.naming import price_name_errors

UNIT_MAX_LENGTH = 50


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class PriceTerms:
    """A price's editable fields, validated and normalized."""

    name: str
    value: Decimal
    unit: str
    currency: Currency

    @classmethod
    def parse(cls, *, name: str, value: str | Decimal, unit: str, currency: str) -> PriceTerms:
        """Check every field at once, so the client hears of all its mistakes."""
        clean_name, clean_unit = normalize_name(name), normalize_name(unit)
        errors = price_name_errors(clean_name)
        try:
            amount = parse_amount(value)
        except InvalidAmount as error:
            errors.append(FieldError("value", str(error)))
        if not clean_unit:
            errors.append(FieldError("unit", "is required"))
        elif len(clean_unit) > UNIT_MAX_LENGTH:
            errors.append(FieldError("unit", f"must be at most {UNIT_MAX_LENGTH} characters"))
        elif not clean_unit.isprintable():
            errors.append(FieldError("unit", "may contain only printable characters"))
        try:
            known_currency = parse_currency(currency)
        except UnknownCurrency as error:
            errors.append(FieldError("currency", str(error)))
        if errors:
            raise ValidationFailed("The price is not valid.", errors)
        return cls(name=clean_name, value=amount, unit=clean_unit, currency=known_currency)


@dataclass(eq=False, kw_only=True)
class Price(VersionedAggregate):
    AGGREGATE_TYPE = "price"
    EVENT_PREFIX = "Price"

    name: str
    value: Decimal
    unit: str
    currency: Currency
    locked_by_saga_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 1
    created_at: datetime = field(default_factory=_now)
    updated_at: datetime = field(default_factory=_now)

    def __post_init__(self) -> None:
        VersionedAggregate.__init__(self)

    @property
    def locked(self) -> bool:
        return self.locked_by_saga_id is not None

    @property
    def terms(self) -> PriceTerms:
        return PriceTerms(name=self.name, value=self.value, unit=self.unit, currency=self.currency)

    @classmethod
    def create(cls, terms: PriceTerms) -> Price:
        price = cls(name=terms.name, value=terms.value, unit=terms.unit, currency=terms.currency)
        price.record_created()
        return price

    def update(self, terms: PriceTerms) -> bool:
        """Replace every field; returns False (and changes nothing) when nothing differs."""
        self._refuse_while_locked("changed")
        if terms == self.terms:
            return False
        self.name, self.value, self.unit, self.currency = (
            terms.name,
            terms.value,
            terms.unit,
            terms.currency,
        )
        self.record_change("updated")
        return True

    def delete(self) -> None:
        self._refuse_while_locked("deleted")
        self.record_change("deleted")

    def lock(self, saga_id: uuid.UUID) -> bool:
        """Lock for `saga_id`; False when that saga holds the lock already (a retry).

        Another saga's lock is a conflict: two publications must not share a price's lock,
        or the first to finish would release it under the other.
        """
        if self.locked_by_saga_id == saga_id:
            return False
        if self.locked_by_saga_id is not None:
            raise Conflict(f"The price is locked by saga {self.locked_by_saga_id}, not {saga_id}.")
        self.locked_by_saga_id = saga_id
        self.record_change("locked")
        return True

    def unlock(self, saga_id: uuid.UUID) -> bool:
        """Release `saga_id`'s lock; False when the price is not locked at all.

        Unlocking an unlocked price succeeds without effect because compensation must be
        safe to repeat: a saga's worker retries after a crash, and a failed publication
        unlocks every price of the offering, including those it never got to lock. Only
        releasing another saga's lock is refused.
        """
        if self.locked_by_saga_id is None:
            return False
        if self.locked_by_saga_id != saga_id:
            raise Conflict(
                f"The price is locked by saga {self.locked_by_saga_id}; "
                f"saga {saga_id} cannot unlock it."
            )
        self.locked_by_saga_id = None
        self.record_change("unlocked")
        return True

    def snapshot(self) -> dict[str, Any]:
        """The aggregate as the API and the events show it (camelCase, JSON-ready)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "value": format_amount(self.value),
            "unit": self.unit,
            "currency": self.currency.value,
            "locked": self.locked,
            "lockedBySagaId": str(self.locked_by_saga_id) if self.locked else None,
            "version": self.version,
            "createdAt": iso_timestamp(self.created_at),
            "updatedAt": iso_timestamp(self.updated_at),
        }

    def _refuse_while_locked(self, change: str) -> None:
        if self.locked_by_saga_id is not None:
            raise Locked(
                f"The price is locked by saga {self.locked_by_saga_id} and cannot be {change} "
                "until that saga unlocks it."
            )
