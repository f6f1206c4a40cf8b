"""One transaction for a price change and its outbox events."""

from __future__ import annotations

from typing import Self

from catalog_chassis.outbox.uow import SqlAlchemyUnitOfWork
from catalog_chassis.usage_tables import SqlReferenceUsages
from catalog_chassis.usages import ReferenceUsages
from pricing_service.application.ports import PriceRepository
from pricing_service.infrastructure.repositories import SqlPriceRepository
from pricing_service.infrastructure.tables import OFFERING_USAGES


class PriceUnitOfWork(SqlAlchemyUnitOfWork):
    prices: PriceRepository
    offering_usages: ReferenceUsages

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.prices = SqlPriceRepository(self.session, self.track)
        self.offering_usages = SqlReferenceUsages(self.session, OFFERING_USAGES)
        return self
