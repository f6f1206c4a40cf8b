"""The platform's FerretDB (MongoDB wire protocol) on the local Postgres, via MONGODB_URL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from pymongo import ASCENDING, AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, OperationFailure

from catalog_chassis.db import libpq_dsn
from catalog_testing import platform_setting

pytestmark = pytest.mark.integration

Document = dict[str, Any]


def client_for(url: str) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(url, serverSelectionTimeoutMS=5000)


@pytest.fixture
async def client() -> AsyncIterator[AsyncMongoClient[Document]]:
    mongo = client_for(platform_setting("MONGODB_URL"))
    yield mongo
    await mongo.close()


@pytest.fixture
async def database(client: AsyncMongoClient[Document]) -> AsyncIterator[AsyncDatabase[Document]]:
    name = f"platform_test_{uuid.uuid4().hex[:12]}"
    yield client[name]
    await client.drop_database(name)


async def test_answers_ping(client: AsyncMongoClient[Document]) -> None:
    reply = await client.admin.command("ping")

    assert reply["ok"] == 1.0


async def test_inserts_finds_and_enforces_a_unique_index(database: AsyncDatabase[Document]) -> None:
    offerings = database["offerings"]
    await offerings.create_index([("sku", ASCENDING)], unique=True, name="sku_unique")

    await offerings.insert_one({"_id": "o-1", "sku": "FIBER-100", "name": "Fiber 100"})
    await offerings.insert_one({"_id": "o-2", "sku": "FIBER-500", "name": "Fiber 500"})
    found = await offerings.find_one({"sku": "FIBER-100"})
    with pytest.raises(DuplicateKeyError):
        await offerings.insert_one({"_id": "o-3", "sku": "FIBER-100", "name": "Copy"})

    assert found == {"_id": "o-1", "sku": "FIBER-100", "name": "Fiber 100"}
    names = [doc["name"] async for doc in offerings.find({}, sort=[("sku", ASCENDING)])]
    assert names == ["Fiber 100", "Fiber 500"]
    index_names = [index["name"] async for index in await offerings.list_indexes()]
    assert "sku_unique" in index_names


async def test_stores_each_mongo_database_as_a_schema_of_its_postgres_database(
    database: AsyncDatabase[Document],
) -> None:
    await database["probe"].insert_one({"_id": 1})
    admin = urlsplit(libpq_dsn(platform_setting("POSTGRES_ADMIN_URL")))
    # The admin role may connect to any database; the `ferretdb` one holds FerretDB's data.
    connection = await asyncpg.connect(urlunsplit(admin._replace(path="/ferretdb")))
    try:
        schema = await connection.fetchval(
            "SELECT nspname FROM pg_namespace WHERE nspname = $1", database.name
        )
    finally:
        await connection.close()

    assert schema == database.name


async def test_rejects_a_wrong_password() -> None:
    parts = urlsplit(platform_setting("MONGODB_URL"))
    netloc = f"{parts.username}:not-the-password@{parts.hostname}:{parts.port}"
    wrong = parts._replace(netloc=netloc)
    mongo = client_for(urlunsplit(wrong))
    try:
        # FerretDB cannot log in to Postgres as that role with that password.
        with pytest.raises(OperationFailure, match="failed to connect"):
            await mongo.admin.command("ping")
    finally:
        await mongo.close()
