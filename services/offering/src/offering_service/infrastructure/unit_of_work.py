"""One transaction for an offering change and its outbox events."""

from __future__ import annotations

from typing import Self

from catalog_chassis.outbox.uow import SqlAlchemyUnitOfWork
from offering_service.application.ports import OfferingRepository, PriceCache, SpecificationCache
from offering_service.application.publication import PublicationRequests
from offering_service.infrastructure.publication import SqlPublicationRequests
from offering_service.infrastructure.references import price_cache, specification_cache
from offering_service.infrastructure.repositories import SqlOfferingRepository


class OfferingUnitOfWork(SqlAlchemyUnitOfWork):
    offerings: OfferingRepository
    specification_cache: SpecificationCache
    price_cache: PriceCache
    publication_requests: PublicationRequests

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.offerings = SqlOfferingRepository(self.session, self.track)
        self.specification_cache = specification_cache(self.session)
        self.price_cache = price_cache(self.session)
        self.publication_requests = SqlPublicationRequests(self.session)
        return self
