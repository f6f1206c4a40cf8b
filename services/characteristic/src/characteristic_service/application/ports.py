"""What the characteristic use cases need from the outside world."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, Self

from characteristic_service.domain.model import Characteristic
from characteristic_service.domain.units import UnitOfMeasure
from characteristic_service.domain.usages import SpecificationReference, SpecificationUsage


class SortField(StrEnum):
    NAME = "name"
    VALUE = "value"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"


@dataclass(frozen=True, kw_only=True)
class CharacteristicQuery:
    name_contains: str | None = None
    unit_of_measure: UnitOfMeasure | None = None
    sort: SortField = SortField.NAME
    descending: bool = False
    limit: int = 20
    offset: int = 0


class CharacteristicRepository(Protocol):
    async def get(self, characteristic_id: uuid.UUID) -> Characteristic | None: ...

    async def name_taken(self, name: str, *, excluding: uuid.UUID | None = None) -> bool: ...

    async def add(self, characteristic: Characteristic) -> None: ...

    async def save(self, characteristic: Characteristic, *, expected_version: int) -> None:
        """Write the changed aggregate; PreconditionFailed if someone changed it meanwhile."""
        ...

    async def remove(self, characteristic: Characteristic, *, expected_version: int) -> None: ...

    async def list(self, query: CharacteristicQuery) -> tuple[list[Characteristic], int]: ...


class CharacteristicUsages(Protocol):
    """Which specifications use each characteristic, with the last version seen of each
    specification, so that events arriving out of order cannot roll the view back."""

    async def specifications_using(
        self, characteristic_id: uuid.UUID
    ) -> list[SpecificationReference]: ...

    async def record(self, usage: SpecificationUsage) -> bool:
        """Replace the specification's usages with these, unless a version as new or newer
        was seen already (atomic, as replicas may race); False when it was not newer."""
        ...

    async def release(self, specification_id: uuid.UUID, *, version: int) -> bool:
        """Forget the deleted specification's usages, remembering its final version."""
        ...


class UnitOfWork(Protocol):
    characteristics: CharacteristicRepository
    usages: CharacteristicUsages

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def commit(self) -> None: ...
