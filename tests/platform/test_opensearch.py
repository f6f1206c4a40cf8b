"""The platform's OpenSearch node, via OPENSEARCH_URL: english analysis and typo tolerance."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from opensearchpy import AsyncOpenSearch

from catalog_testing import platform_setting

pytestmark = pytest.mark.integration

MAPPINGS = {
    "properties": {
        "name": {"type": "text", "analyzer": "english"},
        "sku": {"type": "keyword"},
    }
}


@pytest.fixture
async def search() -> AsyncIterator[AsyncOpenSearch]:
    client = AsyncOpenSearch(hosts=[platform_setting("OPENSEARCH_URL")], timeout=30)
    yield client
    await client.close()


def hit_ids(response: dict[str, Any]) -> list[str]:
    return [hit["_id"] for hit in response["hits"]["hits"]]


def test_is_one_healthy_node_without_a_security_plugin() -> None:
    url = platform_setting("OPENSEARCH_URL")

    # Plain HTTP, no credentials: no security plugin in front of the API.
    health = httpx.get(f"{url}/_cluster/health", trust_env=False, timeout=10).json()
    root = httpx.get(url, trust_env=False, timeout=10).json()

    assert health["status"] in {"green", "yellow"}
    assert health["number_of_nodes"] == 1
    assert root["version"]["distribution"] == "opensearch"


async def test_indexes_and_finds_a_document_through_stemming_and_typos(
    search: AsyncOpenSearch,
) -> None:
    index = f"platform-test-{uuid.uuid4().hex[:12]}"
    body = {"settings": {"number_of_shards": 1, "number_of_replicas": 0}, "mappings": MAPPINGS}
    await search.indices.create(index=index, body=body)
    try:
        await search.index(
            index=index,
            id="o-1",
            body={"name": "Blazing fibre connections", "sku": "FIBER-1"},
            refresh=True,
        )
        analyzed = await search.indices.analyze(
            index=index, body={"field": "name", "text": "Connections"}
        )
        stemmed = await search.search(
            index=index, body={"query": {"match": {"name": "connection"}}}
        )
        fuzzy = await search.search(
            index=index,
            body={"query": {"match": {"name": {"query": "blazng fibr", "fuzziness": "AUTO"}}}},
        )
        exact = await search.search(index=index, body={"query": {"match": {"name": "blazng"}}})

        await search.indices.delete(index=index)
        deleted = not await search.indices.exists(index=index)
    finally:
        await search.indices.delete(index=index, ignore_unavailable=True)

    assert [token["token"] for token in analyzed["tokens"]] == ["connect"]
    assert hit_ids(stemmed) == ["o-1"]
    assert hit_ids(fuzzy) == ["o-1"]
    assert hit_ids(exact) == []
    assert deleted
