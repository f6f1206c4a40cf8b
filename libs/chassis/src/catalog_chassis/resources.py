"""One way to write a versioned, named resource: the use cases every service shares.

Pure Python (application layers import it; import-linter forbids frameworks there). What is
the same for characteristics, specifications, prices and offerings lives here: loading or
404, the optimistic version check (412), the unique name (409: the repository's unique index
decides, no SELECT beforehand), the read-modify-write of an update, the merge-patch "keep"
sentinel, get, list and delete. What differs — the fields, their rules, references to other
services, what may block a delete — stays in each service's subclass.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from catalog_chassis.errors import NotFound, PreconditionFailed


class Unchanged(Enum):
    """Marks a merge-patch field the client left out (RFC 7396: absent keeps; ``None`` is an
    explicit null, which removes an optional field)."""

    KEEP = "keep"


KEEP = Unchanged.KEEP


def check_version(resource: str, current_version: int, expected_version: int | None) -> None:
    """PreconditionFailed (412) unless ``expected_version`` (from If-Match) is None (any
    version) or the resource's current version."""
    if expected_version is not None and expected_version != current_version:
        raise PreconditionFailed(
            f"The {resource} is at version {current_version}, not {expected_version}; "
            "reload it and try again."
        )


class Ordering(StrEnum):
    """Base for a resource's sortable fields; ``parse("-name")`` gives (NAME, descending)."""

    @classmethod
    def parse(cls, sort: str) -> tuple[Self, bool]:
        return cls(sort.lstrip("-")), sort.startswith("-")


@dataclass(frozen=True, kw_only=True)
class ListWindow:
    """The part of every list query that is not a filter: order and page."""

    descending: bool = False
    limit: int = 20
    offset: int = 0


class Versioned(Protocol):
    id: uuid.UUID
    name: str
    version: int


A = TypeVar("A", bound=Versioned)
Q = TypeVar("Q")
Q_contra = TypeVar("Q_contra", contravariant=True)


class VersionedRepository(Protocol[A, Q_contra]):
    async def get(self, aggregate_id: uuid.UUID, *, for_update: bool = False) -> A | None:
        """``for_update`` holds the row until commit, so writers of one resource take turns."""
        ...

    async def add(self, aggregate: A) -> None:
        """Write the new aggregate; Conflict if its name is taken (the unique index says so:
        no SELECT beforehand)."""
        ...

    async def save(self, aggregate: A, *, expected_version: int) -> None:
        """Write the changed aggregate; PreconditionFailed if someone changed it meanwhile,
        Conflict if it took a name another one has."""
        ...

    async def remove(self, aggregate: A, *, expected_version: int) -> None: ...

    async def list(self, query: Q_contra) -> tuple[list[A], int]: ...


class UnitOfWork(Protocol):
    async def __aenter__(self) -> Any: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def read_only(self) -> None:
        """Before the first statement: this unit of work only reads (no transaction)."""

    async def commit(self) -> None: ...


U = TypeVar("U", bound=UnitOfWork)


@dataclass
class ResourceUseCases(Generic[A, Q, U]):
    """get, list, delete and update for one resource type, with its 404/409/412 rules.

    A subclass names the resource (``RESOURCE = "price"``), says where its repository is in
    the unit of work (``repository``) and adds its own create/replace/patch on top of
    ``_add`` and ``_update``; ``_ensure_deletable`` is its hook to refuse a delete.
    """

    RESOURCE: ClassVar[str]

    uow_factory: Callable[[], U]

    def repository(self, uow: U) -> VersionedRepository[A, Q]:
        raise NotImplementedError

    async def get(self, aggregate_id: uuid.UUID) -> A:
        async with self.uow_factory() as uow:
            await uow.read_only()
            return await self._load(uow, aggregate_id)

    async def list(self, query: Q) -> tuple[list[A], int]:
        async with self.uow_factory() as uow:
            await uow.read_only()
            return await self.repository(uow).list(query)

    async def delete(self, aggregate_id: uuid.UUID, *, expected_version: int | None = None) -> None:
        async with self.uow_factory() as uow:
            aggregate = await self._load(uow, aggregate_id, for_update=True)
            check_version(self.RESOURCE, aggregate.version, expected_version)
            await self._ensure_deletable(uow, aggregate)
            loaded_version = aggregate.version
            self._mark_deleted(aggregate)
            await self.repository(uow).remove(aggregate, expected_version=loaded_version)
            await uow.commit()

    async def _add(self, aggregate: A) -> A:
        async with self.uow_factory() as uow:
            await self.repository(uow).add(aggregate)
            await uow.commit()
        return aggregate

    async def _update(
        self,
        aggregate_id: uuid.UUID,
        change: Callable[[A], bool],
        *,
        expected_version: int | None,
    ) -> A:
        """Load (row held), check the version, apply ``change`` (False: nothing differs, so
        nothing is written and no event recorded), save (the repository refuses a taken
        name), commit."""
        async with self.uow_factory() as uow:
            aggregate = await self._load(uow, aggregate_id, for_update=True)
            check_version(self.RESOURCE, aggregate.version, expected_version)
            loaded_version = aggregate.version
            if change(aggregate):
                await self.repository(uow).save(aggregate, expected_version=loaded_version)
                await uow.commit()
        return aggregate

    async def _current(self, aggregate_id: uuid.UUID) -> A:
        """The aggregate as it is now, read outside any later write (a merge patch's base)."""
        return await self.get(aggregate_id)

    async def _ensure_deletable(self, uow: U, aggregate: A) -> None:
        """Raise (e.g. Conflict) when the aggregate must not be deleted; default: always may."""

    @staticmethod
    def _mark_deleted(aggregate: A) -> None:
        aggregate.delete()  # type: ignore[attr-defined]

    async def _load(self, uow: U, aggregate_id: uuid.UUID, *, for_update: bool = False) -> A:
        aggregate = await self.repository(uow).get(aggregate_id, for_update=for_update)
        if aggregate is None:
            raise NotFound(f"No {self.RESOURCE} with id {aggregate_id}.")
        return aggregate
