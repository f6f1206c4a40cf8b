"""SQL adapters for what this service knows of others: cached characteristics (with
tombstones for deleted ones) and the offerings using each specification."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import Integer, String, Uuid, delete, exists, func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import DateTime

from catalog_chassis.repositories import serialize_on
from specification_service.application.ports import OfferingReference
from specification_service.domain.characteristics import KnownCharacteristic
from specification_service.infrastructure.tables import (
    CachedCharacteristicRow,
    RemovedCharacteristicRow,
    SpecificationUsageRow,
)

_cached = CachedCharacteristicRow.__table__  # type: ignore[attr-defined]
_removed = RemovedCharacteristicRow.__table__  # type: ignore[attr-defined]
_usages = SpecificationUsageRow.__table__  # type: ignore[attr-defined]


class SqlCharacteristicCache:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def known(self, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        rows = await self._session.execute(select(_cached.c.id).where(_cached.c.id.in_(ids)))
        return set(rows.scalars())

    async def removed(self, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        rows = await self._session.execute(select(_removed.c.id).where(_removed.c.id.in_(ids)))
        return set(rows.scalars())

    async def store(self, characteristic: KnownCharacteristic) -> bool:
        # One statement decides "newer and not deleted", so the event consumer and the
        # lookup fallback cannot overwrite a newer copy with an older one; the lock makes a
        # concurrent deletion either finish first (and be seen) or wait for this.
        await serialize_on(self._session, _cache_lock_key(characteristic.id))
        source = select(
            literal(characteristic.id, Uuid),
            literal(characteristic.name, String),
            literal(characteristic.value, String),
            literal(characteristic.unit_of_measure, String),
            literal(characteristic.version, Integer),
            literal(characteristic.updated_at, DateTime(timezone=True)),
        ).where(~exists().where(_removed.c.id == characteristic.id))
        statement = insert(_cached).from_select(
            ["id", "name", "value", "unit_of_measure", "version", "updated_at"], source
        )
        statement = statement.on_conflict_do_update(
            index_elements=[_cached.c.id],
            set_={
                column: statement.excluded[column]
                for column in ("name", "value", "unit_of_measure", "version", "updated_at")
            },
            where=_cached.c.version < statement.excluded.version,
        ).returning(_cached.c.id)
        return (await self._session.execute(statement)).first() is not None

    async def forget(self, characteristic_id: uuid.UUID, *, version: int) -> None:
        await serialize_on(self._session, _cache_lock_key(characteristic_id))
        tombstone = insert(_removed).values(
            id=characteristic_id, version=version, removed_at=datetime.now(UTC)
        )
        await self._session.execute(
            tombstone.on_conflict_do_update(
                index_elements=[_removed.c.id],
                set_={"version": func.greatest(_removed.c.version, tombstone.excluded.version)},
            )
        )
        await self._session.execute(delete(_cached).where(_cached.c.id == characteristic_id))


def _cache_lock_key(characteristic_id: uuid.UUID) -> str:
    return f"cached_characteristics:{characteristic_id}"


class SqlOfferingUsages:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def offerings_using(self, specification_id: uuid.UUID) -> list[OfferingReference]:
        rows = await self._session.execute(
            select(_usages.c.offering_id, _usages.c.offering_name)
            .where(_usages.c.specification_id == specification_id)
            .order_by(_usages.c.offering_name, _usages.c.offering_id)
        )
        return [OfferingReference(id=row.offering_id, name=row.offering_name) for row in rows]
