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


@pytest.fixture
async def backing() -> AsyncIterator[asyncpg.Connection]:
    """A connection to the Postgres database FerretDB keeps its data in (`ferretdb`)."""
    admin = urlsplit(libpq_dsn(platform_setting("POSTGRES_ADMIN_URL")))
    # The admin role may connect to any database.
    connection = await asyncpg.connect(urlunsplit(admin._replace(path="/ferretdb")))
    yield connection
    await connection.close()


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
    database: AsyncDatabase[Document], backing: asyncpg.Connection
) -> None:
    await database["probe"].insert_one({"_id": 1})

    schema = await backing.fetchval(
        "SELECT nspname FROM pg_namespace WHERE nspname = $1", database.name
    )

    assert schema == database.name


async def _plan(database: AsyncDatabase[Document], collection: str, query: Document) -> str:
    """The Postgres plan FerretDB runs for a find, as the JSON text of its `explain`."""
    reply = await database.command("explain", {"find": collection, "filter": query})
    return str(reply["queryPlanner"])


async def test_answers_equality_lookups_from_an_index_not_a_scan(
    database: AsyncDatabase[Document],
) -> None:
    # FerretDB v1 pushes an equality down as `_jsonb -> 'field' @> value`, which its own btree
    # indexes cannot serve; the platform's equality indexes (ADR 14) can.
    versions = database["versions"]
    await versions.create_index([("key", ASCENDING), ("version", -1)])
    await versions.insert_many(
        [
            {"_id": f"k{n % 500}:{n}", "key": f"k{n % 500}", "version": n, "tags": [f"t{n % 7}"]}
            for n in range(3000)
        ]
    )

    by_id = await _plan(database, "versions", {"_id": "k7:7"})
    by_key = await _plan(database, "versions", {"key": "k7"})

    assert "Bitmap Index Scan" in by_id, by_id
    assert "Bitmap Index Scan" in by_key, by_key
    assert "Seq Scan" not in by_key
    # The answers are the ones a scan gives: an index changes only the speed.
    assert [doc async for doc in versions.find({"_id": "k7:7"})] == [
        {"_id": "k7:7", "key": "k7", "version": 7, "tags": ["t0"]}
    ]
    found = sorted([doc["version"] async for doc in versions.find({"key": "k7"})])
    assert found == [7, 507, 1007, 1507, 2007, 2507]


async def test_indexes_only_the_leading_field_of_each_collection_index(
    database: AsyncDatabase[Document], backing: asyncpg.Connection
) -> None:
    await database["versions"].create_index([("key", ASCENDING), ("version", -1)])
    await database["versions"].insert_one({"_id": 1, "key": "a", "version": 1, "tags": ["x"]})

    rows = await backing.fetch(
        "SELECT tablename, indexdef FROM pg_indexes"
        " WHERE schemaname = $1 AND indexdef LIKE '%USING gin%'",
        database.name,
    )

    expressions = sorted(row["indexdef"].split("USING gin ")[1] for row in rows)
    assert expressions == [
        "(((_jsonb -> '_id'::text)) jsonb_path_ops)",
        "(((_jsonb -> 'key'::text)) jsonb_path_ops)",
    ]
    assert all(not row["tablename"].startswith("_ferretdb_") for row in rows)


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
