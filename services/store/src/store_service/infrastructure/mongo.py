"""The store's own database on the MongoDB wire protocol (PyMongo's async API; FerretDB
locally). FerretDB has no multi-document transactions, so every write here is one atomic
single-document operation guarded by a version or revision."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Collection
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from store_service.domain.documents import Component, Kind, StoreDocument, parts_of

COMPONENTS = "component_versions"
DOCUMENTS = "document_revisions"
PROCESSED = "processed_events"
STAGED = "staged_offerings"

Document = dict[str, Any]


def database(client: AsyncMongoClient[Document], name: str) -> AsyncDatabase[Document]:
    return client[name]


async def ensure_indexes(db: AsyncDatabase[Document]) -> None:
    """Indexes the queries below rely on; idempotent."""
    await db[COMPONENTS].create_index([("key", 1), ("version", -1)])
    await db[COMPONENTS].create_index([("kind", 1), ("published", 1)])
    await db[DOCUMENTS].create_index([("offering", 1), ("revision", -1)])
    for field in ("specificationIds", "characteristicIds", "priceIds"):
        await db[DOCUMENTS].create_index(field)
    await db[STAGED].create_index("offering")


# Why versions are rows of their own: FerretDB v1 does not apply a conditional update
# atomically (two writers of different versions can both pass a "version < mine" filter),
# but it does enforce unique _ids. So each version, and each document revision, is inserted
# under an _id that names it: the insert is the compare-and-set, readers take the highest,
# and older rows are pruned once a newer one is in.


def _component_key(kind: Kind, component_id: uuid.UUID) -> str:
    return f"{kind.value}:{component_id}"


def _row_id(key: str, number: int) -> str:
    return f"{key}:{number:012d}"


def _latest(rows: list[Document], key: str, number: str) -> dict[str, Document]:
    """The row with the highest ``number`` for each ``key``."""
    latest: dict[str, Document] = {}
    for row in rows:
        held = latest.get(row[key])
        if held is None or row[number] > held[number]:
            latest[row[key]] = row
    return latest


class MongoComponents:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[COMPONENTS]

    async def store(self, component: Component) -> bool:
        key = _component_key(component.kind, component.id)
        try:
            await self._collection.insert_one(
                {
                    "_id": _row_id(key, component.version),
                    "key": key,
                    "kind": component.kind.value,
                    "id": str(component.id),
                    "version": component.version,
                    "data": dict(component.data),
                    "deleted": component.deleted,
                    "published": component.kind is Kind.OFFERING
                    and not component.deleted
                    and component.data.get("lifecycleStatus") == "PUBLISHED",
                }
            )
        except DuplicateKeyError:
            return False  # this very version is held already
        newer = await self._collection.find_one(
            {"key": key, "version": {"$gt": component.version}}, {"_id": 1}
        )
        await self._collection.delete_many({"key": key, "version": {"$lt": component.version}})
        return newer is None

    async def get(self, kind: Kind, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Component]:
        if not ids:
            return {}
        keys = list(dict.fromkeys(_component_key(kind, i) for i in ids))
        # One equality lookup per key, concurrently: FerretDB v1 runs `$in` as a scan that
        # decodes every row (844 ms for 3 keys at 11k rows), equality far cheaper (15 ms).
        found = await asyncio.gather(*(self._rows({"key": key}) for key in keys))
        rows = [row for batch in found for row in batch]
        return {
            uuid.UUID(row["id"]): _component(row)
            for row in _latest(rows, "key", "version").values()
        }

    async def _rows(self, query: Document) -> list[Document]:
        return [row async for row in self._collection.find(query)]

    async def published_offerings(self) -> AsyncIterator[Component]:
        rows = [row async for row in self._collection.find({"kind": Kind.OFFERING.value})]
        for row in _latest(rows, "key", "version").values():
            if row.get("published"):
                yield _component(row)


def _component(row: Document) -> Component:
    return Component(
        kind=Kind(row["kind"]),
        id=uuid.UUID(row["id"]),
        version=int(row["version"]),
        data=row["data"],
        deleted=bool(row.get("deleted", False)),
    )


class MongoDocuments:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[DOCUMENTS]

    async def _current(self, offering_id: uuid.UUID) -> Document | None:
        return await self._collection.find_one(
            {"offering": str(offering_id)}, sort=[("revision", -1)]
        )

    async def get(self, offering_id: uuid.UUID) -> StoreDocument | None:
        row = await self._current(offering_id)
        return _document(row) if row and not row["removed"] else None

    async def revision(self, offering_id: uuid.UUID) -> int | None:
        row = await self._current(offering_id)
        return int(row["revision"]) if row else None

    async def replace(
        self, document: StoreDocument, *, expected_revision: int | None
    ) -> StoreDocument | None:
        revision = (expected_revision or 0) + 1
        row: Document = {
            "body": document.body,
            "specificationIds": sorted(str(i) for i in parts_of(document, Kind.SPECIFICATION)),
            "characteristicIds": sorted(str(i) for i in parts_of(document, Kind.CHARACTERISTIC)),
            "priceIds": sorted(str(i) for i in parts_of(document, Kind.PRICE)),
            "removed": False,
        }
        if not await self._write(document.id, revision, row):
            return None
        return StoreDocument(
            body=document.body,
            specification_ids=document.specification_ids,
            characteristic_ids=document.characteristic_ids,
            price_ids=document.price_ids,
            revision=revision,
        )

    async def remove(self, offering_id: uuid.UUID, *, expected_revision: int) -> int | None:
        revision = expected_revision + 1
        row: Document = {
            "body": None,
            "specificationIds": [],
            "characteristicIds": [],
            "priceIds": [],
            "removed": True,
        }
        return revision if await self._write(offering_id, revision, row) else None

    async def _write(self, offering_id: uuid.UUID, revision: int, row: Document) -> bool:
        """Insert the next revision: a duplicate _id means another writer took it; a higher
        revision present means ours was stale (its predecessor pruned): withdraw it."""
        key = str(offering_id)
        row_id = _row_id(key, revision)
        try:
            await self._collection.insert_one(
                {
                    "_id": row_id,
                    "offering": key,
                    "revision": revision,
                    "writtenAt": datetime.now(UTC),
                    **row,
                }
            )
        except DuplicateKeyError:
            return False
        if await self._collection.find_one(
            {"offering": key, "revision": {"$gt": revision}}, {"_id": 1}
        ):
            await self._collection.delete_one({"_id": row_id})
            return False
        await self._collection.delete_many({"offering": key, "revision": {"$lt": revision}})
        return True

    async def using(self, kind: Kind, component_id: uuid.UUID) -> list[uuid.UUID]:
        field = {
            Kind.SPECIFICATION: "specificationIds",
            Kind.CHARACTERISTIC: "characteristicIds",
            Kind.PRICE: "priceIds",
        }.get(kind)
        if field is None:
            return []
        rows = self._collection.find({field: str(component_id)}, {"offering": 1})
        return sorted({uuid.UUID(row["offering"]) async for row in rows})

    async def written_since(
        self, moment: datetime
    ) -> list[tuple[uuid.UUID, int, StoreDocument | None]]:
        rows = [row async for row in self._collection.find({"writtenAt": {"$gte": moment}})]
        return [
            (uuid.UUID(key), int(row["revision"]), None if row["removed"] else _document(row))
            for key, row in _latest(rows, "offering", "revision").items()
        ]

    async def ids(self) -> set[uuid.UUID]:
        rows = [
            row
            async for row in self._collection.find({}, {"offering": 1, "revision": 1, "removed": 1})
        ]
        return {
            uuid.UUID(key)
            for key, row in _latest(rows, "offering", "revision").items()
            if not row["removed"]
        }


def _document(row: Document) -> StoreDocument:
    return StoreDocument(
        body=row["body"],
        specification_ids=frozenset(uuid.UUID(i) for i in row.get("specificationIds", [])),
        characteristic_ids=frozenset(uuid.UUID(i) for i in row.get("characteristicIds", [])),
        price_ids=frozenset(uuid.UUID(i) for i in row.get("priceIds", [])),
        revision=int(row["revision"]),
    )


class MongoStaging:
    """One row per (offering, saga), inserted under an _id naming both (so a repeated
    stage is one row)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[STAGED]

    async def stage(self, offering_id: uuid.UUID, saga_id: uuid.UUID) -> None:
        with suppress(DuplicateKeyError):
            await self._collection.insert_one(
                {
                    "_id": f"{offering_id}:{saga_id}",
                    "offering": str(offering_id),
                    "saga": str(saga_id),
                    "at": datetime.now(UTC),
                }
            )

    async def unstage(self, offering_id: uuid.UUID, saga_id: uuid.UUID) -> None:
        await self._collection.delete_one({"_id": f"{offering_id}:{saga_id}"})

    async def holds(self, offering_id: uuid.UUID, saga_id: uuid.UUID) -> bool:
        found = await self._collection.find_one({"_id": f"{offering_id}:{saga_id}"}, {"_id": 1})
        return found is not None

    async def clear(self, offering_id: uuid.UUID) -> None:
        await self._collection.delete_many({"offering": str(offering_id)})


class MongoProcessedEvents:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[PROCESSED]

    async def seen(self, consumer: str, event_id: uuid.UUID) -> bool:
        return await self._collection.find_one({"_id": f"{consumer}:{event_id}"}) is not None

    async def remember(self, consumer: str, event_id: uuid.UUID) -> None:
        # A redelivery processed concurrently may have recorded it: it acted once either way.
        with suppress(DuplicateKeyError):
            await self._collection.insert_one(
                {"_id": f"{consumer}:{event_id}", "at": datetime.now(UTC)}
            )
