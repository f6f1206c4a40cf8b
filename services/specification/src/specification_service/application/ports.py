"""What the specification use cases need from the outside world."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, Self

from specification_service.domain.characteristics import KnownCharacteristic
from specification_service.domain.model import Specification


class SortField(StrEnum):
    NAME = "name"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"


@dataclass(frozen=True, kw_only=True)
class SpecificationQuery:
    name_contains: str | None = None
    characteristic_id: uuid.UUID | None = None
    sort: SortField = SortField.NAME
    descending: bool = False
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class OfferingReference:
    id: uuid.UUID
    name: str


class SpecificationRepository(Protocol):
    async def get(self, specification_id: uuid.UUID) -> Specification | None: ...

    async def name_taken(self, name: str, *, excluding: uuid.UUID | None = None) -> bool: ...

    async def add(self, specification: Specification) -> None: ...

    async def save(self, specification: Specification, *, expected_version: int) -> None:
        """Write the changed aggregate; PreconditionFailed if someone changed it meanwhile."""
        ...

    async def remove(self, specification: Specification, *, expected_version: int) -> None: ...

    async def list(self, query: SpecificationQuery) -> tuple[list[Specification], int]: ...


class CharacteristicCache(Protocol):
    """The local copy of the characteristic service's characteristics."""

    async def known(self, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Those of ``ids`` that are cached."""
        ...

    async def removed(self, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Those of ``ids`` whose deletion has been heard of (ids are never reused)."""
        ...

    async def store(self, characteristic: KnownCharacteristic) -> bool:
        """Cache it unless the cached copy is as new or newer, or it was deleted; atomic, so
        the consumer and the lookup fallback may race. False when it was not newer."""
        ...

    async def forget(self, characteristic_id: uuid.UUID, *, version: int) -> None:
        """Drop it and remember the deletion, so a late older event cannot bring it back."""
        ...


class OfferingUsages(Protocol):
    """Which offerings use a specification (fed by offering events once they exist)."""

    async def offerings_using(self, specification_id: uuid.UUID) -> list[OfferingReference]: ...


class CharacteristicDirectory(Protocol):
    """The characteristic service itself, asked when the cache has not heard of an id."""

    async def find(
        self, characteristic_id: uuid.UUID, *, credentials: str | None
    ) -> KnownCharacteristic | None:
        """None when it does not exist; ServiceUnavailable when the service cannot say.

        ``credentials`` is the caller's bearer token: the lookup happens on their behalf.
        """
        ...


class UnitOfWork(Protocol):
    specifications: SpecificationRepository
    characteristic_cache: CharacteristicCache
    offering_usages: OfferingUsages

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def commit(self) -> None: ...
