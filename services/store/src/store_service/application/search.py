"""What a shopper may ask the store, and what it answers (the contract's search
parameters and response), independent of the search engine."""

from __future__ import annotations

from collections.abc import AsyncIterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from store_service.domain.documents import StoreDocument

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# How deep a search pages: offset + limit. Search engines refuse deeper windows
# (index.max_result_window); a shopper that far down should narrow the search instead.
MAX_WINDOW = 10_000


class SortField(StrEnum):
    PRICE = "price"
    NAME = "name"
    PUBLISHED_AT = "publishedAt"


@dataclass(frozen=True, kw_only=True)
class Sort:
    field: SortField
    descending: bool = False

    @classmethod
    def parse(cls, sort: str) -> Sort:
        """``"-price"`` → price, descending; ValueError for an unknown field."""
        return cls(field=SortField(sort.lstrip("-")), descending=sort.startswith("-"))


@dataclass(frozen=True, kw_only=True)
class UnitRange:
    """``unit.Mbps.min=100``: some characteristic of the offering measured in ``unit`` has a
    numeric value within [minimum, maximum] (either bound may be open)."""

    unit: str
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, kw_only=True)
class SearchQuery:
    """``text`` searches names, descriptions, specification names and characteristic names
    and values (typo-tolerant; results by relevance unless ``sort`` is given). An offering
    matches the price filters when one of its prices lies in [min_price, max_price] (in
    ``currency`` when given); ``channels`` match any (OR); ``characteristics`` (names) must
    all be present (AND); every unit range must hold."""

    text: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    currency: str | None = None
    channels: tuple[str, ...] = ()
    characteristics: tuple[str, ...] = ()
    unit_ranges: tuple[UnitRange, ...] = ()
    sort: Sort | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class CharacteristicFacet:
    name: str
    value: str
    unit_of_measure: str
    count: int


@dataclass(frozen=True, kw_only=True)
class UnitFacet:
    unit_of_measure: str
    min: float
    max: float


@dataclass(frozen=True, kw_only=True)
class ChannelFacet:
    value: str
    count: int


@dataclass(frozen=True, kw_only=True)
class PriceFacet:
    min: float | None
    max: float | None


@dataclass(frozen=True, kw_only=True)
class Facets:
    """Counted over the whole current result set (not only the page)."""

    characteristics: list[CharacteristicFacet] = field(default_factory=list)
    units: list[UnitFacet] = field(default_factory=list)
    sales_channels: list[ChannelFacet] = field(default_factory=list)
    price: PriceFacet = field(default_factory=lambda: PriceFacet(min=None, max=None))


@dataclass(frozen=True, kw_only=True)
class SearchResult:
    """``items`` are store document bodies (the contract's shape), in result order."""

    items: list[dict[str, Any]]
    total: int
    facets: Facets


class SearchIndex(Protocol):
    """The search engine's index of the published offerings."""

    async def ensure(self) -> None:
        """Create the index (behind its alias) with its mapping unless it exists; add the
        fields a newer mapping has to an existing one (at start-up, not per request)."""
        ...

    async def ready(self) -> None:
        """One cheap round trip that fails unless the engine answers and the alias exists
        (creating it when the engine was down at start-up): the readiness probe's check."""
        ...

    async def put(self, document: StoreDocument) -> None:
        """Index the document (replacing the entry of the same offering), visible to the
        next search (refresh). ``document.revision`` orders the writes: an entry written
        with a higher revision is never replaced by one with a lower (external versioning)."""
        ...

    async def remove(self, offering_id: str, *, revision: int) -> None:
        """Drop the offering's entry as of ``revision`` (a later put of an older revision
        must not bring it back); nothing happens when there is none."""
        ...

    async def search(self, query: SearchQuery) -> SearchResult: ...

    async def rebuild(self, documents: AsyncIterable[StoreDocument]) -> int:
        """Build a new index from ``documents``, then switch the alias to it atomically and
        drop the old one: searches keep being answered throughout. Returns the count."""
        ...
