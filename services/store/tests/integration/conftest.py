"""What the integration tests against the real search engine share."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from opensearchpy import AsyncOpenSearch

from catalog_testing import platform_setting


@pytest.fixture(scope="module")
async def client(request: pytest.FixtureRequest) -> AsyncIterator[AsyncOpenSearch]:
    """A client of the platform's OpenSearch for a module that names its indices
    ``PREFIX*``: every one of them is deleted afterwards, whatever happened."""
    prefix: str = request.module.PREFIX
    client = AsyncOpenSearch(hosts=[platform_setting("OPENSEARCH_URL")])
    try:
        yield client
    finally:
        try:
            await client.indices.delete(index=f"{prefix}*", ignore=404)
            assert await client.indices.get(index=f"{prefix}*") == {}
        finally:
            await client.close()
