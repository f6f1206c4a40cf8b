"""What the offering use cases need from the outside world."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol, Self

from catalog_chassis.references import ReferenceCache, ReferenceDirectory
from catalog_chassis.resources import ListWindow, Ordering
from offering_service.application.publication import PublicationRequests
from offering_service.domain.model import LifecycleStatus, Offering
from offering_service.domain.references import KnownResource


class SortField(Ordering):
    NAME = "name"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    PUBLISHED_AT = "publishedAt"


@dataclass(frozen=True, kw_only=True)
class OfferingQuery(ListWindow):
    name_contains: str | None = None
    lifecycle_status: LifecycleStatus | None = None
    sort: SortField = SortField.NAME


class OfferingRepository(Protocol):
    async def get(self, offering_id: uuid.UUID, *, for_update: bool = False) -> Offering | None:
        """``for_update`` holds the row until commit, so writers of one offering take turns."""
        ...

    async def add(self, offering: Offering) -> None: ...

    async def save(self, offering: Offering, *, expected_version: int) -> None:
        """Write the changed aggregate; PreconditionFailed if someone changed it meanwhile."""
        ...

    async def remove(self, offering: Offering, *, expected_version: int) -> None: ...

    async def list(self, query: OfferingQuery) -> tuple[list[Offering], int]: ...


# The local copies of the specification and pricing services' resources.
SpecificationCache = ReferenceCache[KnownResource]
PriceCache = ReferenceCache[KnownResource]
# The owners themselves, asked when a cache has not heard of an id.
ResourceDirectory = ReferenceDirectory[KnownResource]


class UnitOfWork(Protocol):
    offerings: OfferingRepository
    specification_cache: SpecificationCache
    price_cache: PriceCache
    publication_requests: PublicationRequests

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def read_only(self) -> None:
        """Before the first statement: this unit of work only reads (no transaction)."""

    async def commit(self) -> None: ...
