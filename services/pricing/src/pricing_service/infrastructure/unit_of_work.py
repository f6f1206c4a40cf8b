"""One transaction for a price change and its outbox events."""

from __future__ import annotations

from typing import Self

from catalog_chassis.outbox.uow import SqlAlchemyUnitOfWork
from pricing_service.infrastructure.repositories import SqlPriceRepository


class PriceUnitOfWork(SqlAlchemyUnitOfWork):
    prices: SqlPriceRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.prices = SqlPriceRepository(self.session, self.track)
        return self
