"""The composition root: wires the store's real adapters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo import AsyncMongoClient

from catalog_chassis.http_client import ServiceClient
from catalog_chassis.service_auth import ServiceToken
from store_service.application.consuming import ProjectionConsumer
from store_service.application.projection import Projection
from store_service.application.queries import StoreQueries
from store_service.application.rebuild import Rebuild
from store_service.application.search import SearchIndex
from store_service.config import StoreSettings
from store_service.domain.documents import Kind
from store_service.infrastructure import mongo
from store_service.infrastructure.catalog import HttpCatalog
from store_service.infrastructure.search.engines import search_index


@dataclass
class Container:
    settings: StoreSettings
    mongo_client: AsyncMongoClient[dict[str, Any]]
    index: SearchIndex
    catalog: HttpCatalog
    queries: StoreQueries
    projection: Projection
    consumer: ProjectionConsumer
    rebuild: Rebuild
    _close_index: Any

    async def prepare(self) -> None:
        """Create what the store's databases need (idempotent)."""
        await mongo.ensure_indexes(
            mongo.database(self.mongo_client, self.settings.mongodb_database)
        )
        await self.index.ensure()

    async def aclose(self) -> None:
        await self.catalog.aclose()
        await self._close_index()
        await self.mongo_client.close()


def bootstrap(settings: StoreSettings | None = None) -> Container:
    settings = settings or StoreSettings()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        settings.mongodb_url.get_secret_value(), tz_aware=True, serverSelectionTimeoutMS=3000
    )
    db = mongo.database(client, settings.mongodb_database)
    components = mongo.MongoComponents(db)
    documents = mongo.MongoDocuments(db)
    index, close_index = search_index(
        settings.search_engine,
        settings.search_url.get_secret_value(),
        settings.search_alias,
        timeout=settings.search_timeout_seconds,
    )
    catalog = HttpCatalog(
        {
            Kind.CHARACTERISTIC: ServiceClient("characteristic", settings.characteristic_url),
            Kind.SPECIFICATION: ServiceClient("specification", settings.specification_url),
            Kind.PRICE: ServiceClient("pricing", settings.pricing_url),
            Kind.OFFERING: ServiceClient("offering", settings.offering_url),
        },
        ServiceToken(
            ServiceClient("identity", settings.identity_url),
            settings.catalog_username,
            settings.catalog_password.get_secret_value(),
        ),
    )
    projection = Projection(
        components=components,
        documents=documents,
        index=index,
        catalog=catalog,
        staging=mongo.MongoStaging(db),
    )
    return Container(
        settings=settings,
        mongo_client=client,
        index=index,
        catalog=catalog,
        queries=StoreQueries(documents=documents, index=index),
        projection=projection,
        consumer=ProjectionConsumer(
            projection=projection, processed=mongo.MongoProcessedEvents(db)
        ),
        rebuild=Rebuild(
            catalog=catalog,
            components=components,
            documents=documents,
            index=index,
            projection=projection,
        ),
        _close_index=close_index,
    )
