"""The composition root: wires the pricing service's real adapters."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from catalog_chassis.db import create_session_factory, database_engine
from catalog_chassis.idempotency import IdempotencyStore
from catalog_chassis.messaging import CloudEvent
from catalog_chassis.references import MalformedSnapshot
from catalog_chassis.usage_tables import SqlReferenceUsages
from catalog_chassis.usages import apply_referrer_event
from pricing_service.application.ports import UnitOfWork
from pricing_service.application.saga_steps import PricingSagaSteps
from pricing_service.application.use_cases import PriceService
from pricing_service.config import PricingSettings
from pricing_service.domain.offerings import OFFERING_USAGE_EVENTS
from pricing_service.infrastructure.tables import OFFERING_USAGES
from pricing_service.infrastructure.unit_of_work import PriceUnitOfWork

OFFERING_RETIRED = "OfferingRetired"
SERVICE = "pricing"


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

    def uow_factory() -> UnitOfWork:
        return PriceUnitOfWork(session_factory, service=settings.service_name)

    return Container(
        settings=settings,
        engine=engine,
        prices=PriceService(uow_factory=uow_factory),
        idempotency=IdempotencyStore(engine),
    )


# The consumer process's handlers: an application function over its SQL adapter.


async def track_offering_usages(event: CloudEvent, session: AsyncSession) -> None:
    """An offering's prices become its usages (newest version wins) until it is retired
    or deleted."""
    usages = SqlReferenceUsages(session, OFFERING_USAGES)
    await apply_referrer_event(usages, OFFERING_USAGE_EVENTS, event.type, event.data)


async def handle_offering_event(event: CloudEvent, session: AsyncSession) -> None:
    """Tracks usages and, when an offering is retired, releases the prices its saga locked
    (each unlock in its own transaction: unlocking is safe to repeat on a redelivery)."""
    await track_offering_usages(event, session)
    saga_id = event.data.get("sagaId")
    if event.type == OFFERING_RETIRED and saga_id:
        sessions = create_session_factory(session.bind)  # type: ignore[arg-type]
        steps = PricingSagaSteps(
            PriceService(uow_factory=lambda: PriceUnitOfWork(sessions, service=SERVICE))
        )
        try:
            ids = [uuid.UUID(str(pid)) for pid in event.data.get("priceIds") or []]
            saga = uuid.UUID(str(saga_id))
        except (TypeError, ValueError) as error:
            # Bad data: the consumer dead-letters it at once instead of retrying.
            raise MalformedSnapshot(f"not an offering snapshot: {error!r}") from error
        await steps.release(saga, ids)
