"""The composition root: wires the characteristic service's real adapters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from catalog_chassis.db import create_session_factory, database_engine
from catalog_chassis.idempotency import IdempotencyStore
from catalog_chassis.messaging import CloudEvent
from characteristic_service.application.ports import UnitOfWork
from characteristic_service.application.usage_updates import apply_specification_event
from characteristic_service.application.use_cases import CharacteristicService
from characteristic_service.config import CharacteristicSettings
from characteristic_service.infrastructure.unit_of_work import CharacteristicUnitOfWork
from characteristic_service.infrastructure.usages import SqlCharacteristicUsages


@dataclass
class Container:
    settings: CharacteristicSettings
    engine: AsyncEngine
    characteristics: CharacteristicService
    idempotency: IdempotencyStore


def bootstrap(settings: CharacteristicSettings | None = None) -> Container:
    settings = settings or CharacteristicSettings()
    engine = database_engine(settings)
    session_factory = create_session_factory(engine)

    def uow_factory() -> UnitOfWork:
        return CharacteristicUnitOfWork(session_factory, service=settings.service_name)

    return Container(
        settings=settings,
        engine=engine,
        characteristics=CharacteristicService(uow_factory=uow_factory),
        idempotency=IdempotencyStore(engine),
    )


# The consumer process's handlers: an application function over its SQL adapter.


async def track_specification_usages(event: CloudEvent, session: AsyncSession) -> None:
    """A specification's characteristics become its usages (newest version wins)."""
    await apply_specification_event(SqlCharacteristicUsages(session), event.type, event.data)
