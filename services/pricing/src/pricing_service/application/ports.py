"""What the price use cases need from the outside world."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol, Self

from catalog_chassis.resources import ListWindow, Ordering
from catalog_chassis.usages import ReferenceUsages
from pricing_service.domain.model import Price
from pricing_service.domain.money import Currency


class SortField(Ordering):
    NAME = "name"
    VALUE = "value"
    CREATED_AT = "createdAt"


@dataclass(frozen=True, kw_only=True)
class PriceQuery(ListWindow):
    name_contains: str | None = None
    currency: Currency | None = None
    locked: bool | None = None
    sort: SortField = SortField.NAME


class PriceRepository(Protocol):
    async def get(self, price_id: uuid.UUID, *, for_update: bool = False) -> Price | None:
        """``for_update`` holds the row until commit, so writers of one price take turns."""
        ...

    async def add(self, price: Price) -> None: ...

    async def save(self, price: Price, *, expected_version: int) -> None:
        """Write the changed aggregate; PreconditionFailed if someone changed it meanwhile."""
        ...

    async def remove(self, price: Price, *, expected_version: int) -> None: ...

    async def list(self, query: PriceQuery) -> tuple[list[Price], int]: ...


class UnitOfWork(Protocol):
    prices: PriceRepository
    # Which offerings use each price, fed by the offering service's events.
    offering_usages: ReferenceUsages

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def read_only(self) -> None:
        """Before the first statement: this unit of work only reads (no transaction)."""

    async def commit(self) -> None: ...
