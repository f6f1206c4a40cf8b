"""The composition root: wires the specification service's real adapters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalog_chassis.db import create_session_factory, database_engine
from catalog_chassis.http_client import HttpDirectory, ServiceClient
from catalog_chassis.idempotency import IdempotencyStore
from specification_service.application.references import CharacteristicReferences
from specification_service.application.use_cases import SpecificationService
from specification_service.config import SpecificationSettings
from specification_service.domain.characteristics import KnownCharacteristic
from specification_service.infrastructure.characteristic_directory import (
    http_characteristic_directory,
)
from specification_service.infrastructure.unit_of_work import SpecificationUnitOfWork

CHARACTERISTIC_SERVICE = "characteristic"


@dataclass
class Container:
    settings: SpecificationSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    specifications: SpecificationService
    characteristic_directory: HttpDirectory[KnownCharacteristic]
    idempotency: IdempotencyStore

    async def aclose(self) -> None:
        await self.characteristic_directory.aclose()
        await self.engine.dispose()


def bootstrap(settings: SpecificationSettings | None = None) -> Container:
    settings = settings or SpecificationSettings()
    engine = database_engine(settings)
    sessions = create_session_factory(engine)

    def uow_factory() -> SpecificationUnitOfWork:
        return SpecificationUnitOfWork(sessions, service=settings.service_name)

    directory = http_characteristic_directory(
        ServiceClient(CHARACTERISTIC_SERVICE, settings.characteristic_url)
    )
    return Container(
        settings=settings,
        engine=engine,
        sessions=sessions,
        specifications=SpecificationService(
            uow_factory=uow_factory,
            references=CharacteristicReferences(uow_factory=uow_factory, directory=directory),
        ),
        characteristic_directory=directory,
        idempotency=IdempotencyStore(engine),
    )
