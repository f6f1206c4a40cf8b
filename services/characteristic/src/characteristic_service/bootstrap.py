"""The composition root: wires the characteristic service's real adapters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from catalog_chassis.db import create_session_factory, database_engine
from catalog_chassis.idempotency import IdempotencyStore
from characteristic_service.application.use_cases import CharacteristicService
from characteristic_service.config import CharacteristicSettings
from characteristic_service.infrastructure.unit_of_work import CharacteristicUnitOfWork


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
    return Container(
        settings=settings,
        engine=engine,
        characteristics=CharacteristicService(
            uow_factory=lambda: CharacteristicUnitOfWork(
                session_factory, service=settings.service_name
            )
        ),
        idempotency=IdempotencyStore(engine),
    )
