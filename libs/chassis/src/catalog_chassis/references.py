"""Checking references to another service's resources, without depending on it being up.

A service that refers to resources another service owns (a specification to
characteristics, an offering to specifications and prices) keeps a local copy of each one it
has heard of, fed by the owner's events, with tombstones for deleted ones. A reference is
checked against that copy first; an id the copy has not heard of yet (created a moment ago,
its event still on its way) is asked of the owner over HTTP, and what it finds is kept.
When the owner cannot answer, the check cannot be decided: ServiceUnavailable (503).

Pure Python (application layers import it); the SQL cache is in
``catalog_chassis.reference_cache`` and the HTTP lookup in ``catalog_chassis.http_client``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from catalog_chassis.errors import FieldError, ValidationFailed

logger = logging.getLogger(__name__)


class MalformedSnapshot(ValueError):
    """A snapshot (event data or API body) of another service's resource lacks a field or
    has a bad one."""


class Known(Protocol):
    """What a cached copy must have: the id and the owner's version of it."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def version(self) -> int: ...


K = TypeVar("K", bound=Known)
K_contra = TypeVar("K_contra", bound=Known, contravariant=True)
K_co = TypeVar("K_co", bound=Known, covariant=True)


class ReferenceCache(Protocol[K_contra]):
    """The local copy of another service's resources."""

    async def known(self, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Those of ``ids`` that are cached."""
        ...

    async def removed(self, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Those of ``ids`` whose deletion has been heard of (ids are never reused)."""
        ...

    async def store(self, item: K_contra) -> bool:
        """Cache it unless the cached copy is as new or newer, or it was deleted; atomic, so
        the consumer and the lookup fallback may race. False when it was not newer."""
        ...

    async def forget(self, item_id: uuid.UUID, *, version: int) -> None:
        """Drop it and remember the deletion, so a late older event cannot bring it back."""
        ...


class ReferenceDirectory(Protocol[K_co]):
    """The owning service itself, asked when the cache has not heard of an id."""

    async def find(self, item_id: uuid.UUID, *, credentials: str | None) -> K_co | None:
        """None when it does not exist; ServiceUnavailable when the owner cannot say.

        ``credentials`` is the caller's bearer token: the lookup happens on their behalf.
        """
        ...


class UnitOfWork(Protocol):
    async def __aenter__(self) -> Any: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def commit(self) -> None: ...


U = TypeVar("U", bound=UnitOfWork)


@dataclass(kw_only=True)
class References(Generic[K, U]):
    """Checks that the ids a client refers to in ``field`` exist (see the module docs).

    ``cache`` picks the cache out of a unit of work; ``subject`` and ``kind`` word the
    error: "The specification refers to unknown characteristics."
    """

    uow_factory: Callable[[], U]
    cache: Callable[[U], ReferenceCache[K]]
    directory: ReferenceDirectory[K]
    field: str
    subject: str
    kind: str

    async def ensure_exist(self, ids: Sequence[uuid.UUID], *, credentials: str | None) -> None:
        """ValidationFailed naming the unknown ids; ServiceUnavailable if it cannot tell."""
        errors = await self.field_errors(ids, credentials=credentials)
        if errors:
            raise ValidationFailed(f"{self.subject} refers to unknown {self.kind}.", errors)

    async def field_errors(
        self, ids: Sequence[uuid.UUID], *, credentials: str | None
    ) -> list[FieldError]:
        """The field error naming the ids that do not exist (none when all do), for a
        caller that checks several kinds of reference and reports them together."""
        unknown = await self.unknown(ids, credentials=credentials)
        if not unknown:
            return []
        listed = ", ".join(str(item_id) for item_id in unknown)
        return [FieldError(self.field, f"unknown {self.kind}: {listed}")]

    async def unknown(
        self, ids: Sequence[uuid.UUID], *, credentials: str | None
    ) -> list[uuid.UUID]:
        """Those of ``ids`` that do not exist, in the order given."""
        if not ids:
            return []
        async with self.uow_factory() as uow:
            cache = self.cache(uow)
            known = await cache.known(ids)
            removed = await cache.removed(ids)
        found: list[K] = []
        unknown: list[uuid.UUID] = []
        for item_id in ids:
            if item_id in known:
                continue
            if item_id in removed:
                unknown.append(item_id)
                continue
            # One at a time: misses are rare, and the first ServiceUnavailable ends the check.
            item = await self.directory.find(item_id, credentials=credentials)
            if item is None:
                unknown.append(item_id)
            else:
                found.append(item)
        if found:
            await self._remember(found)
        return unknown

    async def _remember(self, items: list[K]) -> None:
        async with self.uow_factory() as uow:
            cache = self.cache(uow)
            for item in items:
                await cache.store(item)
            await uow.commit()
        logger.info("cached %d %s found by lookup", len(items), self.kind)


@dataclass(frozen=True)
class CacheFeed(Generic[K]):
    """Keeps a reference cache current from the owner's events: ``upserting`` event types
    (``CharacteristicCreated``, ``...Updated``) cache the snapshot unless the cache holds a
    newer version (events may arrive out of order); ``deleting`` drops it for good."""

    parse: Callable[[Mapping[str, Any]], K]
    upserting: frozenset[str]
    deleting: str

    async def apply(
        self, cache: ReferenceCache[K], event_type: str, data: Mapping[str, Any]
    ) -> None:
        """MalformedSnapshot for bad data (a poison message)."""
        if event_type not in self.upserting and event_type != self.deleting:
            logger.info("ignoring event of type %s", event_type)
            return
        item = self.parse(data)
        if event_type == self.deleting:
            await cache.forget(item.id, version=item.version)
        elif not await cache.store(item):
            logger.info(
                "ignoring %s of %s at version %d: the cache holds a newer one",
                event_type,
                item.id,
                item.version,
            )


def snapshot_version(snapshot: Mapping[str, Any]) -> int:
    """The integer ``version`` of a snapshot (TypeError otherwise, also for booleans)."""
    version = snapshot["version"]
    if not isinstance(version, int) or isinstance(version, bool):
        raise TypeError(f"version must be an integer, not {version!r}")
    return version
