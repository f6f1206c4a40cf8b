"""What the specification use cases need from the outside world."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol, Self

from catalog_chassis.references import ReferenceCache
from catalog_chassis.resources import ListWindow, Ordering
from catalog_chassis.usages import ReferenceUsages
from specification_service.domain.characteristics import KnownCharacteristic
from specification_service.domain.model import Specification


class SortField(Ordering):
    NAME = "name"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"


@dataclass(frozen=True, kw_only=True)
class SpecificationQuery(ListWindow):
    name_contains: str | None = None
    characteristic_id: uuid.UUID | None = None
    sort: SortField = SortField.NAME


class SpecificationRepository(Protocol):
    async def get(
        self, specification_id: uuid.UUID, *, for_update: bool = False
    ) -> Specification | None:
        """``for_update`` holds the row until commit, so writers of one specification take
        turns."""
        ...

    async def add(self, specification: Specification) -> None: ...

    async def save(self, specification: Specification, *, expected_version: int) -> None:
        """Write the changed aggregate; PreconditionFailed if someone changed it meanwhile."""
        ...

    async def remove(self, specification: Specification, *, expected_version: int) -> None: ...

    async def list(self, query: SpecificationQuery) -> tuple[list[Specification], int]: ...


# The local copy of the characteristic service's characteristics.
CharacteristicCache = ReferenceCache[KnownCharacteristic]


# Which offerings use each specification (the referrers, in the chassis' terms), fed by
# the offering service's events.
OfferingUsages = ReferenceUsages


class UnitOfWork(Protocol):
    specifications: SpecificationRepository
    characteristic_cache: CharacteristicCache
    offering_usages: OfferingUsages

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def read_only(self) -> None:
        """Before the first statement: this unit of work only reads (no transaction)."""

    async def commit(self) -> None: ...
