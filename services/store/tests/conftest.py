"""The store's tests against the real document store (FerretDB locally), each session in a
throwaway database of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from catalog_testing import platform_setting, rabbitmq_url

__all__ = ["rabbitmq_url"]


@pytest.fixture(scope="session")
def mongodb_url() -> str:
    return platform_setting("MONGODB_URL")


@pytest.fixture(scope="session")
def search_url() -> str:
    return platform_setting("OPENSEARCH_URL")


@pytest.fixture(scope="session")
async def mongo_database(mongodb_url) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
    name = f"store_test_{uuid.uuid4().hex[:8]}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()
