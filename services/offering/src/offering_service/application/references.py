"""Checking that the specifications and prices an offering refers to exist: the chassis'
reference check (event-fed cache first, the owner service on a miss)."""

from __future__ import annotations

from collections.abc import Callable

from catalog_chassis.references import CacheFeed, ReferenceCache, References
from offering_service.application.ports import (
    PriceCache,
    ResourceDirectory,
    SpecificationCache,
    UnitOfWork,
)
from offering_service.domain.model import PRICE_IDS_FIELD, SPECIFICATION_IDS_FIELD
from offering_service.domain.references import KnownResource

SUBJECT = "The offering"

SPECIFICATION_FEED = CacheFeed(
    parse=KnownResource.from_snapshot,
    upserting=frozenset({"SpecificationCreated", "SpecificationUpdated"}),
    deleting="SpecificationDeleted",
)
# Every price event carries the snapshot; locking changes the version, not the existence.
PRICE_FEED = CacheFeed(
    parse=KnownResource.from_snapshot,
    upserting=frozenset({"PriceCreated", "PriceUpdated", "PriceLocked", "PriceUnlocked"}),
    deleting="PriceDeleted",
)


def _specification_cache(uow: UnitOfWork) -> SpecificationCache:
    return uow.specification_cache


def _price_cache(uow: UnitOfWork) -> PriceCache:
    return uow.price_cache


# field, the unit of work's cache, and the kind's plural for messages
_KINDS: dict[str, tuple[str, Callable[[UnitOfWork], ReferenceCache[KnownResource]], str]] = {
    "specification": (SPECIFICATION_IDS_FIELD, _specification_cache, "specifications"),
    "price": (PRICE_IDS_FIELD, _price_cache, "prices"),
}


def references_to(
    kind: str, uow_factory: Callable[[], UnitOfWork], directory: ResourceDirectory
) -> References[KnownResource, UnitOfWork]:
    """The check of an offering's references to ``kind`` ("specification" or "price")."""
    field, cache, plural = _KINDS[kind]
    return References(
        uow_factory=uow_factory,
        cache=cache,
        directory=directory,
        field=field,
        subject=SUBJECT,
        kind=plural,
    )
