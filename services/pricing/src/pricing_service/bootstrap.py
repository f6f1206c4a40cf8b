"""The composition root: wires the pricing service's real adapters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from catalog_chassis.db import create_session_factory, database_engine
from catalog_chassis.idempotency import IdempotencyStore
from pricing_service.application.use_cases import PriceService
from pricing_service.config import PricingSettings
from pricing_service.infrastructure.unit_of_work import PriceUnitOfWork


@dataclass
class Container:
    settings: PricingSettings
    engine: AsyncEngine
    prices: PriceService
    idempotency: IdempotencyStore


def bootstrap(settings: PricingSettings | None = None) -> Container:
    settings = settings or PricingSettings()
    engine = database_engine(settings)
    session_factory = create_session_factory(engine)
    return Container(
        settings=settings,
        engine=engine,
        prices=PriceService(
            uow_factory=lambda: PriceUnitOfWork(session_factory, service=settings.service_name)
        ),
        idempotency=IdempotencyStore(engine),
    )
