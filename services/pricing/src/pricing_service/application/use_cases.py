"""Price use cases: create, replace, patch, delete, get, list, and the saga's lock/unlock."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from catalog_chassis.resources import KEEP, ResourceUseCases, Unchanged
from catalog_chassis.usages import ensure_unused
from pricing_service.application.ports import PriceQuery, PriceRepository, UnitOfWork
from pricing_service.domain.model import Price, PriceTerms


@dataclass(frozen=True, kw_only=True)
class PriceFields:
    """A price as the client sent it; ``value`` is a decimal text or an exact Decimal."""

    name: str
    value: str | Decimal
    unit: str
    currency: str

    def parse(self) -> PriceTerms:
        return PriceTerms.parse(
            name=self.name, value=self.value, unit=self.unit, currency=self.currency
        )


@dataclass(frozen=True, kw_only=True)
class PriceChanges:
    """A merge patch: ``KEEP`` keeps the current value."""

    name: str | Unchanged = KEEP
    value: str | Decimal | Unchanged = KEEP
    unit: str | Unchanged = KEEP
    currency: str | Unchanged = KEEP

    def applied_to(self, current: Price) -> PriceFields:
        return PriceFields(
            name=current.name if self.name is KEEP else self.name,
            value=current.value if self.value is KEEP else self.value,
            unit=current.unit if self.unit is KEEP else self.unit,
            currency=current.currency.value if self.currency is KEEP else self.currency,
        )


@dataclass
class PriceService(ResourceUseCases[Price, PriceQuery, UnitOfWork]):
    RESOURCE = "price"

    def repository(self, uow: UnitOfWork) -> PriceRepository:
        return uow.prices

    async def create(self, fields: PriceFields) -> Price:
        return await self._add(Price.create(fields.parse()))

    async def replace(
        self, price_id: uuid.UUID, fields: PriceFields, *, expected_version: int | None = None
    ) -> Price:
        terms = fields.parse()
        return await self._update(
            price_id, lambda price: price.update(terms), expected_version=expected_version
        )

    async def patch(
        self, price_id: uuid.UUID, changes: PriceChanges, *, expected_version: int | None = None
    ) -> Price:
        current = await self._current(price_id)
        # The merge is based on what was just read: a change in between must not be lost.
        return await self.replace(
            price_id,
            changes.applied_to(current),
            expected_version=current.version if expected_version is None else expected_version,
        )

    async def lock(self, price_id: uuid.UUID, saga_id: uuid.UUID) -> Price:
        """Lock the price for a saga; repeating it for the same saga changes nothing."""
        return await self._update(
            price_id, lambda price: price.lock(saga_id), expected_version=None
        )

    async def unlock(self, price_id: uuid.UUID, saga_id: uuid.UUID) -> Price:
        """Release the saga's lock; unlocking an unlocked price changes nothing."""
        return await self._update(
            price_id, lambda price: price.unlock(saga_id), expected_version=None
        )

    async def _ensure_deletable(self, uow: UnitOfWork, price: Price) -> None:
        offerings = await uow.offering_usages.referrers_of(price.id)
        ensure_unused("price", price.name, offerings, referrer_kind="offerings")
