"""Price use cases: create, replace, patch, delete, get, list, and the saga's lock/unlock."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from catalog_chassis.errors import Conflict, NotFound, PreconditionFailed
from pricing_service.application.ports import PriceQuery, UnitOfWork
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
    """A merge patch: ``None`` keeps the current value."""

    name: str | None = None
    value: str | Decimal | None = None
    unit: str | None = None
    currency: str | None = None


def _check_version(price: Price, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != price.version:
        raise PreconditionFailed(
            f"The price is at version {price.version}, not {expected_version}; "
            "reload it and try again."
        )


@dataclass
class PriceService:
    uow_factory: Callable[[], UnitOfWork]

    async def create(self, fields: PriceFields) -> Price:
        price = Price.create(fields.parse())
        async with self.uow_factory() as uow:
            await self._ensure_name_free(uow, price)
            await uow.prices.add(price)
            await uow.commit()
        return price

    async def get(self, price_id: uuid.UUID) -> Price:
        async with self.uow_factory() as uow:
            return await self._load(uow, price_id)

    async def list(self, query: PriceQuery) -> tuple[list[Price], int]:
        async with self.uow_factory() as uow:
            return await uow.prices.list(query)

    async def replace(
        self, price_id: uuid.UUID, fields: PriceFields, *, expected_version: int | None = None
    ) -> Price:
        terms = fields.parse()
        async with self.uow_factory() as uow:
            price = await self._load(uow, price_id, for_update=True)
            _check_version(price, expected_version)
            loaded_version = price.version
            if price.update(terms):
                await self._ensure_name_free(uow, price)
                await uow.prices.save(price, expected_version=loaded_version)
                await uow.commit()
        return price

    async def patch(
        self, price_id: uuid.UUID, changes: PriceChanges, *, expected_version: int | None = None
    ) -> Price:
        async with self.uow_factory() as uow:
            current = await self._load(uow, price_id)
        merged = PriceFields(
            name=current.name if changes.name is None else changes.name,
            value=current.value if changes.value is None else changes.value,
            unit=current.unit if changes.unit is None else changes.unit,
            currency=current.currency.value if changes.currency is None else changes.currency,
        )
        # The merge is based on what was just read: a change in between must not be lost.
        return await self.replace(
            price_id,
            merged,
            expected_version=current.version if expected_version is None else expected_version,
        )

    async def delete(self, price_id: uuid.UUID, *, expected_version: int | None = None) -> None:
        async with self.uow_factory() as uow:
            price = await self._load(uow, price_id, for_update=True)
            _check_version(price, expected_version)
            loaded_version = price.version
            price.delete()
            await uow.prices.remove(price, expected_version=loaded_version)
            await uow.commit()

    async def lock(self, price_id: uuid.UUID, saga_id: uuid.UUID) -> Price:
        """Lock the price for a saga; repeating it for the same saga changes nothing."""
        async with self.uow_factory() as uow:
            price = await self._load(uow, price_id, for_update=True)
            loaded_version = price.version
            if price.lock(saga_id):
                await uow.prices.save(price, expected_version=loaded_version)
                await uow.commit()
        return price

    async def unlock(self, price_id: uuid.UUID, saga_id: uuid.UUID) -> Price:
        """Release the saga's lock; unlocking an unlocked price changes nothing."""
        async with self.uow_factory() as uow:
            price = await self._load(uow, price_id, for_update=True)
            loaded_version = price.version
            if price.unlock(saga_id):
                await uow.prices.save(price, expected_version=loaded_version)
                await uow.commit()
        return price

    @staticmethod
    async def _load(uow: UnitOfWork, price_id: uuid.UUID, *, for_update: bool = False) -> Price:
        price = await uow.prices.get(price_id, for_update=for_update)
        if price is None:
            raise NotFound(f"No price with id {price_id}.")
        return price

    @staticmethod
    async def _ensure_name_free(uow: UnitOfWork, price: Price) -> None:
        if await uow.prices.name_taken(price.name, excluding=price.id):
            raise Conflict(f"A price named '{price.name}' already exists.")
