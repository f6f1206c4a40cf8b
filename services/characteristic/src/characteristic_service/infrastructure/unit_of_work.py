"""One transaction for a characteristic change and its outbox events."""

from __future__ import annotations

from typing import Self

from catalog_chassis.outbox.uow import SqlAlchemyUnitOfWork
from characteristic_service.application.ports import CharacteristicRepository, CharacteristicUsages
from characteristic_service.infrastructure.repositories import SqlCharacteristicRepository
from characteristic_service.infrastructure.usages import SqlCharacteristicUsages


class CharacteristicUnitOfWork(SqlAlchemyUnitOfWork):
    characteristics: CharacteristicRepository
    usages: CharacteristicUsages

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.characteristics = SqlCharacteristicRepository(self.session, self.track)
        self.usages = SqlCharacteristicUsages(self.session)
        return self
