"""SQL caches of the specifications and prices this service has heard of (with tombstones
for deleted ones)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalog_chassis.reference_cache import SqlReferenceCache
from offering_service.domain.references import KnownResource
from offering_service.infrastructure.tables import (
    KNOWN_PRICES,
    KNOWN_SPECIFICATIONS,
    REMOVED_PRICES,
    REMOVED_SPECIFICATIONS,
    known_values,
)


def specification_cache(session: AsyncSession) -> SqlReferenceCache[KnownResource]:
    return SqlReferenceCache(
        session,
        cached=KNOWN_SPECIFICATIONS,
        removed=REMOVED_SPECIFICATIONS,
        values_of=known_values,
    )


def price_cache(session: AsyncSession) -> SqlReferenceCache[KnownResource]:
    return SqlReferenceCache(
        session,
        cached=KNOWN_PRICES,
        removed=REMOVED_PRICES,
        values_of=known_values,
    )
