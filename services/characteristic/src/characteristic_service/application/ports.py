"""What the characteristic use cases need from the outside world."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol, Self

from catalog_chassis.resources import ListWindow, Ordering
from catalog_chassis.usages import ReferenceUsages
from characteristic_service.domain.model import Characteristic
from characteristic_service.domain.units import UnitOfMeasure


class SortField(Ordering):
    NAME = "name"
    VALUE = "value"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"


@dataclass(frozen=True, kw_only=True)
class CharacteristicQuery(ListWindow):
    name_contains: str | None = None
    unit_of_measure: UnitOfMeasure | None = None
    sort: SortField = SortField.NAME


class CharacteristicRepository(Protocol):
    async def get(
        self, characteristic_id: uuid.UUID, *, for_update: bool = False
    ) -> Characteristic | None:
        """``for_update`` holds the row until commit, so writers of one characteristic take
        turns."""
        ...

    async def add(self, characteristic: Characteristic) -> None: ...

    async def save(self, characteristic: Characteristic, *, expected_version: int) -> None:
        """Write the changed aggregate; PreconditionFailed if someone changed it meanwhile."""
        ...

    async def remove(self, characteristic: Characteristic, *, expected_version: int) -> None: ...

    async def list(self, query: CharacteristicQuery) -> tuple[list[Characteristic], int]: ...


# Which specifications use each characteristic (the referrers, in the chassis' terms).
CharacteristicUsages = ReferenceUsages


class UnitOfWork(Protocol):
    characteristics: CharacteristicRepository
    usages: CharacteristicUsages

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def read_only(self) -> None:
        """Before the first statement: this unit of work only reads (no transaction)."""

    async def commit(self) -> None: ...
