"""SQL for reference usages (see :mod:`catalog_chassis.usages`): which referrers use each
of a service's resources, and the last version seen of each referrer.

Two tables per kind of referrer, named after the referenced resource and the referrer
(``price`` used by ``offering``):

* ``price_usages``: ``price_id``, ``offering_id`` (the key together), ``offering_name``;
* ``offering_versions``: ``offering_id``, ``version``, kept after the referrer's deletion,
  so that a late, older event cannot bring back usages that a newer one replaced.

A service declares them in its tables module with :func:`usage_tables` (and passes their
``metadata`` to ``run_migrations`` in its ``migrations/env.py``), creates them in a revision
with :func:`create_usages_table` and :func:`create_versions_table`, and reads and writes them
with :class:`SqlReferenceUsages`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import (
    Column,
    Executable,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    bindparam,
    delete,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.schema import SchemaItem

from catalog_chassis.db import compiled_once
from catalog_chassis.migrations import Operations
from catalog_chassis.usages import Referrer, ReferrerUsage

REFERRER_NAME_MAX_LENGTH = 200


def usages_table_name(referenced: str) -> str:
    return f"{referenced}_usages"


def versions_table_name(referrer: str) -> str:
    return f"{referrer}_versions"


def _by_referrer_index_name(referenced: str, referrer: str) -> str:
    return f"ix_{usages_table_name(referenced)}_{referrer}_id"


def usages_schema_items(referenced: str, referrer: str) -> list[SchemaItem]:
    return [
        Column(f"{referenced}_id", Uuid(), primary_key=True),
        Column(f"{referrer}_id", Uuid(), primary_key=True),
        Column(f"{referrer}_name", String(REFERRER_NAME_MAX_LENGTH), nullable=False),
    ]


def versions_schema_items(referrer: str) -> list[SchemaItem]:
    return [
        Column(f"{referrer}_id", Uuid(), primary_key=True),
        Column("version", Integer(), nullable=False),
    ]


@dataclass(frozen=True)
class UsageTables:
    """The two tables of one kind of referrer, and the names of their columns."""

    usages: Table
    versions: Table
    referenced: str
    referrer: str

    @property
    def metadata(self) -> MetaData:
        return self.usages.metadata

    @cached_property
    def advance(self) -> Executable:
        """Move a referrer's last-seen version forward (params ``referrer_id``, ``version``);
        returns a row only if the version is newer. Built and compiled once per tables: an
        adapter is made per event, and building or compiling the upsert each time cost a
        consumer measurable CPU."""
        versions = self.versions
        referrer_id = versions.c[f"{self.referrer}_id"]
        seen = upsert(versions).values(
            {referrer_id.key: bindparam("referrer_id"), "version": bindparam("version")}
        )
        return compiled_once(
            seen.on_conflict_do_update(
                index_elements=[referrer_id],
                set_={"version": seen.excluded.version},
                where=versions.c.version < seen.excluded.version,
            ).returning(referrer_id)
        )

    @cached_property
    def drop_usages(self) -> Executable:
        """Delete a referrer's usages (param ``referrer_id``)."""
        column = self.usages.c[f"{self.referrer}_id"]
        return delete(self.usages).where(column == bindparam("referrer_id"))


def usage_tables(*, referenced: str, referrer: str) -> UsageTables:
    """Declare ``<referenced>_usages`` and ``<referrer>_versions``, in a MetaData of their
    own: SQLModel's is global, and two services that both learn from offerings (both with an
    ``offering_versions`` table) are imported into one process by the tests."""
    metadata = MetaData()
    usages = Table(
        usages_table_name(referenced), metadata, *usages_schema_items(referenced, referrer)
    )
    # The referrer's own usages are replaced as a whole: found by its id.
    Index(_by_referrer_index_name(referenced, referrer), usages.c[f"{referrer}_id"])
    versions = Table(versions_table_name(referrer), metadata, *versions_schema_items(referrer))
    return UsageTables(usages=usages, versions=versions, referenced=referenced, referrer=referrer)


# --- migrations ------------------------------------------------------------------------------


def create_usages_table(op: Operations, *, referenced: str, referrer: str) -> None:
    table = usages_table_name(referenced)
    op.create_table(table, *usages_schema_items(referenced, referrer))
    op.create_index(_by_referrer_index_name(referenced, referrer), table, [f"{referrer}_id"])


def drop_usages_table(op: Operations, *, referenced: str, referrer: str) -> None:
    table = usages_table_name(referenced)
    op.drop_index(_by_referrer_index_name(referenced, referrer), table_name=table)
    op.drop_table(table)


def create_versions_table(op: Operations, *, referrer: str) -> None:
    op.create_table(versions_table_name(referrer), *versions_schema_items(referrer))


def drop_versions_table(op: Operations, *, referrer: str) -> None:
    op.drop_table(versions_table_name(referrer))


# --- the adapter -----------------------------------------------------------------------------


class SqlReferenceUsages:
    """:class:`catalog_chassis.usages.ReferenceUsages` on a service's :class:`UsageTables`,
    in the session's transaction."""

    def __init__(self, session: AsyncSession, tables: UsageTables) -> None:
        self._session = session
        self._tables = tables
        usages = self._usages = tables.usages
        self._referenced_id = usages.c[f"{tables.referenced}_id"]
        self._referrer_id = usages.c[f"{tables.referrer}_id"]
        self._referrer_name = usages.c[f"{tables.referrer}_name"]

    async def referrers_of(self, referenced_id: uuid.UUID) -> list[Referrer]:
        rows = await self._session.execute(
            select(self._referrer_id, self._referrer_name)
            .where(self._referenced_id == referenced_id)
            .order_by(self._referrer_name, self._referrer_id)
        )
        return [Referrer(id=referrer_id, name=name) for referrer_id, name in rows]

    async def record(self, usage: ReferrerUsage) -> bool:
        referrer = usage.referrer
        if not await self._advance(referrer.id, usage.version):
            return False
        await self._drop_usages(referrer.id)
        if usage.referenced_ids:
            await self._session.execute(
                insert(self._usages),
                [
                    {
                        self._referenced_id.key: referenced_id,
                        self._referrer_id.key: referrer.id,
                        self._referrer_name.key: referrer.name,
                    }
                    for referenced_id in usage.referenced_ids
                ],
            )
        return True

    async def release(self, referrer_id: uuid.UUID, *, version: int) -> bool:
        if not await self._advance(referrer_id, version):
            return False
        await self._drop_usages(referrer_id)
        return True

    async def _advance(self, referrer_id: uuid.UUID, version: int) -> bool:
        """Move the referrer's last-seen version forward; False if it is not newer. The row
        lock this takes serializes concurrent events about one referrer."""
        params = {"referrer_id": referrer_id, "version": version}
        return (await self._session.execute(self._tables.advance, params)).first() is not None

    async def _drop_usages(self, referrer_id: uuid.UUID) -> None:
        await self._session.execute(self._tables.drop_usages, {"referrer_id": referrer_id})
