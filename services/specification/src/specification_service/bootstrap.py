"""The composition root: wires the specification service's real adapters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalog_chassis.db import create_session_factory, database_engine
from catalog_chassis.http_client import HttpDirectory, ServiceClient
from catalog_chassis.idempotency import IdempotencyStore
from catalog_chassis.messaging import CloudEvent
from catalog_chassis.usages import apply_referrer_event
from specification_service.application.cache_updates import apply_characteristic_event
from specification_service.application.ports import UnitOfWork
from specification_service.application.references import CharacteristicReferences
from specification_service.application.use_cases import SpecificationService
from specification_service.config import SpecificationSettings
from specification_service.domain.characteristics import KnownCharacteristic
from specification_service.domain.offerings import OFFERING_USAGE_EVENTS
from specification_service.infrastructure.characteristic_directory import (
    http_characteristic_directory,
)
from specification_service.infrastructure.references import (
    SqlCharacteristicCache,
    SqlOfferingUsages,
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

    def uow_factory() -> UnitOfWork:
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


# The consumer process's handlers: an application function over its SQL adapter.


async def cache_characteristic(event: CloudEvent, session: AsyncSession) -> None:
    """Created/updated characteristics are cached (newest version wins), deleted dropped."""
    await apply_characteristic_event(SqlCharacteristicCache(session), event.type, event.data)


async def track_offering_usages(event: CloudEvent, session: AsyncSession) -> None:
    """An offering's specifications become its usages (newest version wins) until it is
    retired or deleted."""
    usages = SqlOfferingUsages(session)
    await apply_referrer_event(usages, OFFERING_USAGE_EVENTS, event.type, event.data)
