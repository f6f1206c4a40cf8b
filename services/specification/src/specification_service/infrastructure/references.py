"""SQL adapters for what this service knows of others: cached characteristics (with
tombstones for deleted ones) and the offerings using each specification."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalog_chassis.reference_cache import SqlReferenceCache
from catalog_chassis.usage_tables import SqlReferenceUsages
from specification_service.domain.characteristics import KnownCharacteristic
from specification_service.infrastructure.tables import (
    OFFERING_USAGES,
    CachedCharacteristicRow,
    RemovedCharacteristicRow,
)

_cached = CachedCharacteristicRow.__table__  # type: ignore[attr-defined]
_removed = RemovedCharacteristicRow.__table__  # type: ignore[attr-defined]


class SqlCharacteristicCache(SqlReferenceCache[KnownCharacteristic]):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(
            session, cached=_cached, removed=_removed, values_of=CachedCharacteristicRow.values_of
        )


class SqlOfferingUsages(SqlReferenceUsages):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, OFFERING_USAGES)
