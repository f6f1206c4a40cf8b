"""The search index on OpenSearch (the local platform's engine), through opensearch-py's
async client. Requests come from :mod:`.query`; this module only sends them.

Searches and writes go through the alias; the index behind it is ``<alias>-<timestamp>-…``
so that :meth:`OpenSearchIndex.rebuild` can build a new one and switch atomically.

Searches use the shard request cache (``request_cache=true``; without it only ``size=0``
requests are cached): the landing page is the same request for every visitor, and a refresh
that changed the index drops the cached answers, so none is stale.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from opensearchpy import AsyncOpenSearch, ConnectionTimeout, NotFoundError, RequestError
from opensearchpy import ConnectionError as OpenSearchConnectionError
from opensearchpy.helpers import async_bulk

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


class OpenSearchIndex:
    """:class:`~store_service.application.search.SearchIndex` on OpenSearch."""

    def __init__(self, client: AsyncOpenSearch, alias: str = DEFAULT_ALIAS) -> None:
        self._client = client
        self.alias = alias

    async def ensure(self) -> None:
        if await self._client.indices.exists_alias(name=self.alias):
            # Fields this version of the mapping added are added to the live index (adding
            # is always allowed), so writes work at once; `make reindex` fills them in.
            await self._client.indices.put_mapping(
                index=self.alias, body=index_mapping()["mappings"]
            )
            return
        index = initial_index_name(self.alias)
        # Index and alias in one request: the alias never points at a half-made index; of
        # processes starting together, one creates it and the others find it made.
        try:
            await self._client.indices.create(
                index=index, body={**index_mapping(), "aliases": {self.alias: {}}}
            )
        except RequestError as error:
            if error.error != ALREADY_EXISTS:
                raise
            await self._client.indices.put_alias(index=index, name=self.alias)

    async def ready(self) -> None:
        try:
            exists = await self._client.indices.exists_alias(name=self.alias)
        except (OpenSearchConnectionError, ConnectionTimeout) as error:
            raise ServiceUnavailable("the search engine is unavailable") from error
        if not exists:
            await self.ensure()

    async def put(self, document: StoreDocument) -> None:
        # 409: the entry holds a newer revision (or a removal's) already; nothing to do.
        await self._client.index(
            index=self.alias,
            id=str(document.id),
            body=index_entry(document),
            version=document.revision,
            version_type=VERSION_TYPE,
            refresh="true",  # searchable at once: freshness over write volume
            ignore=409,
        )

    async def remove(self, offering_id: str, *, revision: int) -> None:
        # 404: no entry (the removal's revision is still recorded); 409: a newer write.
        await self._client.delete(
            index=self.alias,
            id=str(offering_id),
            version=revision,
            version_type=VERSION_TYPE,
            refresh="true",  # searchable at once: freshness over write volume
            ignore=(404, 409),
        )

    async def search(self, query: SearchQuery) -> SearchResult:
        try:
            try:
                raw = await search_answer(query, self._send)
            except NotFoundError:
                # No index yet (the engine was down when the service started): make it.
                await self.ensure()
                raw = await search_answer(query, self._send)
        except (OpenSearchConnectionError, ConnectionTimeout) as error:
            raise ServiceUnavailable("the search engine is unavailable") from error
        return parse_response(raw)

    async def _send(self, body: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = await self._client.search(
            index=self.alias, body=body, request_cache=True
        )
        return answer

    async def rebuild(self, documents: AsyncIterable[StoreDocument]) -> int:
        index = new_index_name(self.alias)
        await self._client.indices.create(index=index, body=index_mapping())
        try:
            count, _ = await async_bulk(
                self._client, _actions(index, documents), chunk_size=BULK_CHUNK
            )
            await self._client.indices.refresh(index=index)
            old = await self._indices()
            # One request: searches see the old index or the new one, never neither.
            await self._client.indices.update_aliases(
                body={"actions": alias_switch(self.alias, old, index)}
            )
        except BaseException:
            await self._client.indices.delete(index=index, ignore=404)
            raise
        for stale in old:
            if stale != index:
                await self._client.indices.delete(index=stale, ignore=404)
        return int(count)

    async def _indices(self) -> list[str]:
        """The indexes the alias points at (none when it does not exist)."""
        answer: dict[str, Any] = await self._client.indices.get_alias(name=self.alias, ignore=404)
        if answer.get("status") == 404 or "error" in answer:
            return []
        return list(answer)


async def _actions(index: str, documents: AsyncIterable[StoreDocument]) -> AsyncIterator[Any]:
    async for document in documents:
        yield bulk_action(index, document)
