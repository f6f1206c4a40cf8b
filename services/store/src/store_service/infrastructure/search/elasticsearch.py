"""The search index on Elasticsearch 8 (production), through the ``elasticsearch`` async
client. The same requests as on OpenSearch (built by :mod:`.query`); only the client's
calling conventions differ: request bodies go as keyword arguments (``search(**body)``,
``indices.create(settings=…, mappings=…)``, ``index(document=…)``) and a status to ignore
goes through ``options(ignore_status=…)``.

The client refuses OpenSearch (it checks the ``X-Elastic-Product`` header), so locally the
platform uses :class:`~.opensearch.OpenSearchIndex`; this adapter's requests are tested
against a recording HTTP server.

Searches use the shard request cache (``request_cache=true``; without it only ``size=0``
requests are cached): the landing page is the same request for every visitor, and a refresh
that changed the index drops the cached answers, so none is stale.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from elasticsearch import AsyncElasticsearch, BadRequestError, ConnectionTimeout, NotFoundError
from elasticsearch import ConnectionError as ElasticConnectionError
from elasticsearch.helpers import async_bulk

from catalog_chassis.errors import ServiceUnavailable
from store_service.application.search import SearchQuery, SearchResult
from store_service.domain.documents import StoreDocument
from store_service.infrastructure.search.query import (
    ALREADY_EXISTS,
    VERSION_TYPE,
    alias_switch,
    bulk_action,
    index_entry,
    index_mapping,
    initial_index_name,
    new_index_name,
    parse_response,
    search_answer,
)

DEFAULT_ALIAS = "store-offerings"
BULK_CHUNK = 500


class ElasticsearchIndex:
    """:class:`~store_service.application.search.SearchIndex` on Elasticsearch 8."""

    def __init__(self, client: AsyncElasticsearch, alias: str = DEFAULT_ALIAS) -> None:
        self._client = client
        self._lenient = client.options(ignore_status=404)
        self.alias = alias

    async def ensure(self) -> None:
        if await self._client.indices.exists_alias(name=self.alias):
            # Fields this version of the mapping added are added to the live index (adding
            # is always allowed), so writes work at once; `make reindex` fills them in.
            await self._client.indices.put_mapping(index=self.alias, **index_mapping()["mappings"])
            return
        index = initial_index_name(self.alias)
        # Index and alias in one request: the alias never points at a half-made index; of
        # processes starting together, one creates it and the others find it made.
        try:
            await self._client.indices.create(
                index=index, **index_mapping(), aliases={self.alias: {}}
            )
        except BadRequestError as error:
            if error.error != ALREADY_EXISTS:
                raise
            await self._client.indices.put_alias(index=index, name=self.alias)

    async def ready(self) -> None:
        try:
            exists = await self._client.indices.exists_alias(name=self.alias)
        except (ElasticConnectionError, ConnectionTimeout) as error:
            raise ServiceUnavailable("the search engine is unavailable") from error
        if not exists:
            await self.ensure()

    async def put(self, document: StoreDocument) -> None:
        # 409: the entry holds a newer revision (or a removal's) already; nothing to do.
        await self._client.options(ignore_status=409).index(
            index=self.alias,
            id=str(document.id),
            document=index_entry(document),
            version=document.revision,
            version_type=VERSION_TYPE,
            refresh="true",  # searchable at once: freshness over write volume
        )

    async def remove(self, offering_id: str, *, revision: int) -> None:
        # 404: no entry (the removal's revision is still recorded); 409: a newer write.
        await self._client.options(ignore_status=(404, 409)).delete(
            index=self.alias,
            id=str(offering_id),
            version=revision,
            version_type=VERSION_TYPE,
            refresh="true",  # searchable at once: freshness over write volume
        )

    async def search(self, query: SearchQuery) -> SearchResult:
        try:
            try:
                raw = await search_answer(query, self._send)
            except NotFoundError:
                # No index yet (the engine was down when the service started): make it.
                await self.ensure()
                raw = await search_answer(query, self._send)
        except (ElasticConnectionError, ConnectionTimeout) as error:
            raise ServiceUnavailable("the search engine is unavailable") from error
        return parse_response(raw)

    async def _send(self, body: dict[str, Any]) -> dict[str, Any]:
        answer = await self._client.search(index=self.alias, request_cache=True, **body)
        raw: dict[str, Any] = answer.body
        return raw

    async def rebuild(self, documents: AsyncIterable[StoreDocument]) -> int:
        index = new_index_name(self.alias)
        await self._client.indices.create(index=index, **index_mapping())
        try:
            count, _ = await async_bulk(
                self._client, _actions(index, documents), chunk_size=BULK_CHUNK
            )
            await self._client.indices.refresh(index=index)
            old = await self._indices()
            # One request: searches see the old index or the new one, never neither.
            await self._client.indices.update_aliases(actions=alias_switch(self.alias, old, index))
        except BaseException:
            await self._lenient.indices.delete(index=index)
            raise
        for stale in old:
            if stale != index:
                await self._lenient.indices.delete(index=stale)
        return int(count)

    async def _indices(self) -> list[str]:
        """The indexes the alias points at (none when it does not exist)."""
        answer = await self._lenient.indices.get_alias(name=self.alias)
        if answer.meta.status == 404:
            return []
        return list(answer.body)


async def _actions(index: str, documents: AsyncIterable[StoreDocument]) -> AsyncIterator[Any]:
    async for document in documents:
        yield bulk_action(index, document)
