"""The composition root: wires the offering service's real adapters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalog_chassis.db import create_session_factory, database_engine
from catalog_chassis.http_client import HttpDirectory, ServiceClient
from catalog_chassis.idempotency import IdempotencyStore
from catalog_chassis.messaging import CloudEvent
from catalog_chassis.workflow.engine import EngineClient
from catalog_chassis.workflow.process import engine_client
from offering_service.application.ports import UnitOfWork
from offering_service.application.publication import FastPath, PublicationStarter, SagaEngine
from offering_service.application.references import PRICE_FEED, SPECIFICATION_FEED, references_to
from offering_service.application.use_cases import OfferingService
from offering_service.config import OfferingSettings
from offering_service.domain.references import KnownResource
from offering_service.infrastructure.publication import EngineSaga, SqlPublicationQueue
from offering_service.infrastructure.references import price_cache, specification_cache
from offering_service.infrastructure.unit_of_work import OfferingUnitOfWork

SPECIFICATIONS_PATH = "/api/v1/specifications"
PRICES_PATH = "/api/v1/prices"

# At shutdown, saga starts under way get this long to finish (the sweeper has the rest).
FAST_PATH_DRAIN_SECONDS = 5.0


@dataclass
class Container:
    settings: OfferingSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    offerings: OfferingService
    directories: list[HttpDirectory[KnownResource]]
    idempotency: IdempotencyStore
    # None without a process engine (CAMUNDA_URL unset): requests wait for one.
    starter: PublicationStarter | None = None
    # The API's saga starts, beside its responses (None without a process engine).
    fast_path: FastPath | None = None
    engine_client: EngineClient | None = None

    async def close_clients(self) -> None:
        if self.fast_path is not None:
            await self.fast_path.drain(within=FAST_PATH_DRAIN_SECONDS)
        for directory in self.directories:
            await directory.aclose()
        if self.engine_client is not None:
            await self.engine_client.aclose()

    async def aclose(self) -> None:
        await self.close_clients()
        await self.engine.dispose()


def bootstrap(
    settings: OfferingSettings | None = None, *, saga_engine: SagaEngine | None = None
) -> Container:
    """``saga_engine`` replaces the process engine that the settings name (tests)."""
    settings = settings or OfferingSettings()
    engine = database_engine(settings)
    sessions = create_session_factory(engine)

    def uow_factory() -> UnitOfWork:
        return OfferingUnitOfWork(sessions, service=settings.service_name)

    specifications = HttpDirectory(
        ServiceClient("specification", settings.specification_url),
        SPECIFICATIONS_PATH,
        KnownResource.from_snapshot,
    )
    prices = HttpDirectory(
        ServiceClient("pricing", settings.pricing_url), PRICES_PATH, KnownResource.from_snapshot
    )
    offerings = OfferingService(
        uow_factory=uow_factory,
        specifications=references_to("specification", uow_factory, specifications),
        prices=references_to("price", uow_factory, prices),
    )
    client = None
    if saga_engine is None and settings.camunda_url:
        client = engine_client(settings)
        saga_engine = EngineSaga(client)
    starter = None
    fast_path = None
    if saga_engine is not None:
        starter = PublicationStarter(SqlPublicationQueue(sessions), saga_engine, offerings)
        fast_path = FastPath(starter.start)
        offerings.start_saga = fast_path
    return Container(
        settings=settings,
        engine=engine,
        sessions=sessions,
        offerings=offerings,
        directories=[specifications, prices],
        idempotency=IdempotencyStore(engine),
        starter=starter,
        fast_path=fast_path,
        engine_client=client,
    )


# The consumer process's handlers: an application function over its SQL adapter.


async def cache_specification(event: CloudEvent, session: AsyncSession) -> None:
    """Created/updated specifications are cached (newest version wins), deleted dropped."""
    await SPECIFICATION_FEED.apply(specification_cache(session), event.type, event.data)


async def cache_price(event: CloudEvent, session: AsyncSession) -> None:
    """Every price event but deleted caches the price (newest version wins)."""
    await PRICE_FEED.apply(price_cache(session), event.type, event.data)
