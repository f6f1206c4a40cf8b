"""One transaction for a specification change and its outbox events."""

from __future__ import annotations

from typing import Self

from catalog_chassis.outbox.uow import SqlAlchemyUnitOfWork
from specification_service.application.ports import (
    CharacteristicCache,
    OfferingUsages,
    SpecificationRepository,
)
from specification_service.infrastructure.references import (
    SqlCharacteristicCache,
    SqlOfferingUsages,
)
from specification_service.infrastructure.repositories import SqlSpecificationRepository


class SpecificationUnitOfWork(SqlAlchemyUnitOfWork):
    specifications: SpecificationRepository
    characteristic_cache: CharacteristicCache
    offering_usages: OfferingUsages

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.specifications = SqlSpecificationRepository(self.session, self.track)
        self.characteristic_cache = SqlCharacteristicCache(self.session)
        self.offering_usages = SqlOfferingUsages(self.session)
        return self
