"""The store's read model: a published offering with its specifications, their
characteristics and its prices composed into one document, as shoppers see it.

Pure Python. The write services own every part; the store keeps the newest copy of each
part it has heard of (``Component``s, by version) and composes the document from them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from catalog_chassis.references import MalformedSnapshot, snapshot_version


class Kind(StrEnum):
    """The aggregate types the store follows (the routing key's first part)."""

    CHARACTERISTIC = "characteristic"
    SPECIFICATION = "specification"
    PRICE = "price"
    OFFERING = "offering"


# The fields of each kind's snapshot that a store document shows as text.
REQUIRED_TEXT: dict[Kind, tuple[str, ...]] = {
    Kind.CHARACTERISTIC: ("name", "value", "unitOfMeasure"),
    Kind.SPECIFICATION: ("name",),
    Kind.PRICE: ("name", "value", "unit", "currency"),
    Kind.OFFERING: ("name", "lifecycleStatus"),
}


@dataclass(frozen=True, kw_only=True)
class Component:
    """The newest snapshot of one write-side aggregate the store has heard of: its
    ``data`` exactly as the owner's events and API carry it (camelCase)."""

    kind: Kind
    id: uuid.UUID
    version: int
    data: Mapping[str, Any]
    deleted: bool = False

    @classmethod
    def from_snapshot(
        cls, kind: Kind, snapshot: Mapping[str, Any], *, deleted: bool = False
    ) -> Component:
        try:
            component = cls(
                kind=kind,
                id=uuid.UUID(str(snapshot["id"])),
                version=snapshot_version(snapshot),
                data=dict(snapshot),
                deleted=deleted,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedSnapshot(f"not a {kind} snapshot: {error!r}") from error
        if not deleted:
            # What a document shows must be there: a snapshot without it is refused here
            # (dead-lettered) rather than stored and failing every read of the offering.
            missing = [f for f in REQUIRED_TEXT[kind] if not isinstance(snapshot.get(f), str)]
            if missing:
                raise MalformedSnapshot(f"{kind} {component.id} lacks text in {missing}")
        return component

    def as_deleted(self) -> Component:
        return replace(self, deleted=True)

    def ids(self, field_name: str) -> list[uuid.UUID]:
        """The ids listed in one of the snapshot's id fields (``characteristicIds``...)."""
        try:
            return [uuid.UUID(str(each)) for each in self.data.get(field_name) or []]
        except (TypeError, ValueError) as error:
            raise MalformedSnapshot(f"{self.kind} {self.id}: bad {field_name}") from error


@dataclass(frozen=True, kw_only=True)
class Missing:
    """Parts a document needs that the store has no copy of (yet)."""

    specifications: frozenset[uuid.UUID] = frozenset()
    characteristics: frozenset[uuid.UUID] = frozenset()
    prices: frozenset[uuid.UUID] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.specifications or self.characteristics or self.prices)


class IncompleteDocument(Exception):
    """The store lacks parts of a published offering (their events are still on the way
    or were missed); ``missing`` names them so they can be fetched."""

    def __init__(self, offering_id: uuid.UUID, missing: Missing) -> None:
        super().__init__(f"offering {offering_id} lacks {missing}")
        self.offering_id = offering_id
        self.missing = missing


@dataclass(frozen=True, kw_only=True)
class StoreDocument:
    """A published offering as the store API returns it (the contract's shape) plus the
    ids of every part it was composed from, so a change to a part finds its documents."""

    body: dict[str, Any]
    specification_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    characteristic_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    price_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    # How often the store has written this offering's document (removals included): it
    # orders writes to the search index, so a slow older write cannot undo a newer one.
    revision: int = 0

    @property
    def id(self) -> uuid.UUID:
        return uuid.UUID(self.body["id"])

    @property
    def version(self) -> int:
        version: int = self.body["version"]
        return version


def parts_of(document: StoreDocument, kind: Kind) -> frozenset[uuid.UUID]:
    """The ids of the document's parts of one kind."""
    return {
        Kind.SPECIFICATION: document.specification_ids,
        Kind.CHARACTERISTIC: document.characteristic_ids,
        Kind.PRICE: document.price_ids,
    }.get(kind, frozenset())


def is_published(offering: Component) -> bool:
    return not offering.deleted and offering.data.get("lifecycleStatus") == "PUBLISHED"


def publishing_saga(offering: Component) -> uuid.UUID | None:
    """The saga publishing the offering, while it is PUBLISHING; else None."""
    if offering.deleted or offering.data.get("lifecycleStatus") != "PUBLISHING":
        return None
    saga_id = offering.data.get("sagaId")
    return uuid.UUID(str(saga_id)) if saga_id else None


def compose(
    offering: Component,
    parts: Mapping[uuid.UUID, Component],
) -> StoreDocument:
    """The document of a published ``offering`` from the newest ``parts`` (specifications,
    characteristics and prices by id). IncompleteDocument names what is missing; a part
    that was deleted is left out (the owners refuse deleting what a live offering uses,
    so this only happens while events are still arriving)."""
    specification_ids = offering.ids("specificationIds")
    price_ids = offering.ids("priceIds")
    missing_specifications = {sid for sid in specification_ids if sid not in parts}
    missing_prices = {pid for pid in price_ids if pid not in parts}
    specifications = [parts[sid] for sid in specification_ids if sid in parts]
    characteristic_ids = [
        cid for spec in specifications if not spec.deleted for cid in spec.ids("characteristicIds")
    ]
    missing_characteristics = {cid for cid in characteristic_ids if cid not in parts}
    missing = Missing(
        specifications=frozenset(missing_specifications),
        characteristics=frozenset(missing_characteristics),
        prices=frozenset(missing_prices),
    )
    if missing:
        raise IncompleteDocument(offering.id, missing)
    data = offering.data
    body = {
        "id": str(offering.id),
        "name": data.get("name"),
        "description": data.get("description"),
        "salesChannels": list(data.get("salesChannels") or []),
        "publishedAt": data.get("publishedAt"),
        "version": offering.version,
        "specifications": [
            _specification(spec, parts) for spec in specifications if not spec.deleted
        ],
        "prices": [_price(parts[pid]) for pid in price_ids if not parts[pid].deleted],
    }
    return StoreDocument(
        body=body,
        specification_ids=frozenset(specification_ids),
        characteristic_ids=frozenset(characteristic_ids),
        price_ids=frozenset(price_ids),
    )


def _specification(spec: Component, parts: Mapping[uuid.UUID, Component]) -> dict[str, Any]:
    characteristics = [parts[cid] for cid in spec.ids("characteristicIds")]
    return {
        "id": str(spec.id),
        "name": spec.data.get("name"),
        "description": spec.data.get("description"),
        "characteristics": [
            {
                "id": str(c.id),
                "name": c.data.get("name"),
                "value": c.data.get("value"),
                "unitOfMeasure": c.data.get("unitOfMeasure"),
            }
            for c in characteristics
            if not c.deleted
        ],
    }


def _price(price: Component) -> dict[str, Any]:
    return {
        "id": str(price.id),
        "name": price.data.get("name"),
        "value": price.data.get("value"),
        "unit": price.data.get("unit"),
        "currency": price.data.get("currency"),
    }


def numeric(value: Any) -> float | None:
    """A characteristic value or a price as a number, when it is one ("100", "19.99");
    None otherwise ("Fibre")."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return float(number) if number.is_finite() else None
