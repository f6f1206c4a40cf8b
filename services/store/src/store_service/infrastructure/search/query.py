"""The search index's mapping, its entries and its requests, for OpenSearch and
Elasticsearch alike (both speak this DSL; nothing here differs between them).

Pure: no client imports. The adapters send what these functions build and hand the raw
answers back to :func:`parse_response`.

An entry holds two things: fields shaped for searching (analysed text, the offering's
characteristics and prices as nested objects, numbers as numbers), and the contract body
under ``document``, an object field with ``enabled: false`` — kept in ``_source`` but
neither parsed nor indexed, so a hit is the store document without another lookup, and the
searchable fields may differ from it (a price's ``value`` is a decimal string in the
contract and a double here; characteristics sit under specifications there and are one
flat nested list here). The facets read flat keywords written for them (one per
characteristic; one per unit and bound): a nested aggregation visits every characteristic
of every hit and costs several times more.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from store_service.application.search import (
    ChannelFacet,
    CharacteristicFacet,
    Facets,
    PriceFacet,
    SearchQuery,
    SearchResult,
    SortField,
    UnitFacet,
    UnitRange,
)
from store_service.domain.documents import StoreDocument, numeric

# How many buckets a facet returns at most (the most frequent ones).
CHARACTERISTIC_FACET_SIZE = 200
UNIT_FACET_SIZE = 100
CHANNEL_FACET_SIZE = 50
# How many unit-bound keys (below) the units facet reads at most: all of them in any catalog
# we know (the bench's 100k offerings have 104). When more matched, the answer says so
# (sum_other_doc_count) and the adapters ask again with the nested aggregation: exact, and
# as slow as before.
UNIT_BOUND_FACET_SIZE = 2000

GC_DELETES = "1h"

# Text fields and their boosts for ``q``: a word in the name counts most.
TEXT_FIELDS = ("name^3", "description^2", "text")

# Aggregation names (the response's keys).
CHARACTERISTICS_AGG = "characteristics"
UNITS_AGG = "units"
CHANNELS_AGG = "salesChannels"
PRICE_AGG = "price"
# One keyword per characteristic of an offering, "name<US>value<US>unit": a plain terms
# aggregation on it counts offerings directly, several times faster than multi_terms over
# the nested objects (benchmarked at 100k offerings: 185 -> ~30 ms of a text search).
FACET_FIELD = "characteristicFacets"
FACET_SEPARATOR = "\u001f"
# The units facet without nested context: one keyword per unit and bound of an offering,
# "unit<US>least value" and "unit<US>greatest value" of its characteristics in that unit.
# A min/max under a terms on a flat unit keyword would not do: an offering with values in
# Mbps and in GB would bring both into each unit's bounds (and a field per unit needs two
# metric aggregations per unit, as slow as the nested ones). Every key names its unit, so
# the keys of the result set give each unit's least and greatest value exactly (the least
# of the offerings' least values is the least of all values), and they are few (values
# repeat across offerings). Benchmarked at 100k offerings, the landing page's took: nested
# terms + min/max 78 ms over no facets, this terms aggregation 8 ms.
UNIT_BOUNDS_FIELD = "unitBounds"
# The longest keyword the nested characteristics' fields hold (Java counts UTF-16 units): a
# longer unit was never in the nested units facet, nor is it among the unit-bound keys.
_IGNORE_ABOVE = 256

_KEYWORD = {"type": "keyword", "ignore_above": _IGNORE_ABOVE}
# Facet keywords: their global ordinals (what a terms aggregation counts by) are built when a
# refresh opens a new reader rather than by the first search after it, which would wait.
_FACET_KEYWORD = {"type": "keyword", "eager_global_ordinals": True}
_ENGLISH = {"type": "text", "analyzer": "english"}


def index_mapping() -> dict[str, Any]:
    """Settings and mappings of an index (one shard, no replicas: one node locally; the
    production cluster raises replicas through its own index template if it wants)."""
    return {
        "settings": {
            "number_of_shards": 1,
            "number_of_replicas": 0,
            # How long a removal's revision outlives the entry, so that a slow write of an
            # older revision cannot bring a removed offering back (the default is 60s).
            "gc_deletes": GC_DELETES,
            "analysis": {
                "normalizer": {
                    # Sorting by name ignores case and accents ("éclair" beside "Eclair").
                    "sortable": {"type": "custom", "filter": ["lowercase", "asciifolding"]}
                }
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": {"type": "keyword"},
                "version": {"type": "long"},
                "name": {
                    **_ENGLISH,
                    "copy_to": "text",
                    "fields": {
                        "keyword": {
                            "type": "keyword",
                            "normalizer": "sortable",
                            "ignore_above": 256,
                        }
                    },
                },
                "description": {**_ENGLISH, "copy_to": "text"},
                # Everything a shopper may type: the name and description (copy_to) plus the
                # specification names and characteristic names and values, which the entry
                # lists itself (copy_to cannot copy out of nested objects to the root).
                "text": _ENGLISH,
                "salesChannels": _FACET_KEYWORD,
                FACET_FIELD: _FACET_KEYWORD,
                UNIT_BOUNDS_FIELD: _FACET_KEYWORD,
                "publishedAt": {"type": "date"},
                "characteristics": {
                    "type": "nested",
                    "properties": {
                        "name": _KEYWORD,
                        "value": _KEYWORD,
                        "unitOfMeasure": _KEYWORD,
                        "numericValue": {"type": "double"},
                    },
                },
                "prices": {
                    "type": "nested",
                    "properties": {
                        "value": {"type": "double"},
                        "currency": {"type": "keyword"},
                        "unit": {"type": "keyword"},
                    },
                },
                "document": {"type": "object", "enabled": False},
            },
        },
    }


def index_entry(document: StoreDocument) -> dict[str, Any]:
    """The indexed source of a document: its searchable fields and the contract body."""
    body = document.body
    specifications = body.get("specifications") or []
    characteristics: list[dict[str, Any]] = []
    seen: set[tuple[Any, Any, Any]] = set()
    words: list[str] = []
    for specification in specifications:
        if specification.get("name"):
            words.append(str(specification["name"]))
        for characteristic in specification.get("characteristics") or []:
            name, value = characteristic.get("name"), characteristic.get("value")
            unit = characteristic.get("unitOfMeasure") or None
            key = (name, value, unit)
            if key in seen:  # the same characteristic through two specifications
                continue
            seen.add(key)
            words.extend(str(part) for part in (name, value) if part not in (None, ""))
            entry: dict[str, Any] = {
                "name": name,
                "value": None if value is None else str(value),
                "unitOfMeasure": unit,
            }
            number = numeric(value)
            if number is not None:
                entry["numericValue"] = number
            characteristics.append(entry)
    prices = []
    for price in body.get("prices") or []:
        value = numeric(price.get("value"))
        if value is not None:
            prices.append(
                {"value": value, "currency": price.get("currency"), "unit": price.get("unit")}
            )
    return {
        "id": str(body["id"]),
        "version": body.get("version"),
        "name": body.get("name"),
        "description": body.get("description"),
        "text": words,
        "salesChannels": list(body.get("salesChannels") or []),
        "publishedAt": body.get("publishedAt"),
        "characteristics": characteristics,
        FACET_FIELD: [facet_key(c) for c in characteristics],
        UNIT_BOUNDS_FIELD: unit_bound_keys(characteristics),
        "prices": prices,
        "document": body,
    }


def facet_key(characteristic: Mapping[str, Any]) -> str:
    """The facet keyword of one characteristic (missing parts as empty strings)."""
    parts = (characteristic.get(part) for part in ("name", "value", "unitOfMeasure"))
    return FACET_SEPARATOR.join("" if part is None else str(part) for part in parts)


def unit_bound_keys(characteristics: Iterable[Mapping[str, Any]]) -> list[str]:
    """The unit-bound keywords of an offering's (nested) characteristics: per unit they have
    a numeric value in, "unit<US>least" and "unit<US>greatest" (one key when equal); the
    value as Python's repr of the double, which reads back as the same double."""
    bounds: dict[str, tuple[float, float]] = {}
    for characteristic in characteristics:
        unit, number = characteristic.get("unitOfMeasure"), characteristic.get("numericValue")
        if unit is None or number is None or len(unit.encode("utf-16-le")) > 2 * _IGNORE_ABOVE:
            continue
        least, greatest = bounds.get(unit, (number, number))
        bounds[unit] = (min(least, number), max(greatest, number))
    return sorted(
        {f"{unit}{FACET_SEPARATOR}{value!r}" for unit, pair in bounds.items() for value in pair}
    )


# ---------------------------------------------------------------------------------------------
# Searching


def search_body(query: SearchQuery, *, nested_units: bool = False) -> dict[str, Any]:
    """The request body of a search: the filters in one bool query, the page, the sort and
    the facets as aggregations over the whole result set. ``nested_units``: the units facet
    from the nested characteristics, for an answer :func:`units_truncated` found incomplete.

    The same arguments give the same body, byte for byte once encoded: the engine's shard
    request cache keys on it."""
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    if query.text and query.text.strip():
        must.append(
            {
                "multi_match": {
                    "query": query.text.strip(),
                    "fields": list(TEXT_FIELDS),
                    # Every word must match (in one field; `text` holds them all), so that
                    # each word narrows the result, as shoppers expect from a shop's search.
                    "operator": "and",
                    "fuzziness": "AUTO",
                }
            }
        )
    price = _price_condition(query)
    if price is not None:
        # One nested query: the same price must lie in the range and be in the currency.
        filters.append({"nested": {"path": "prices", "query": price}})
    if query.channels:
        filters.append({"terms": {"salesChannels": list(query.channels)}})
    for name in query.characteristics:
        filters.append(
            {
                "nested": {
                    "path": "characteristics",
                    "query": {"term": {"characteristics.name": name}},
                }
            }
        )
    for unit_range in query.unit_ranges:
        filters.append(
            {
                "nested": {
                    "path": "characteristics",
                    "query": {"bool": {"filter": _unit_conditions(unit_range)}},
                }
            }
        )
    bool_query: dict[str, Any] = {}
    if must:
        bool_query["must"] = must
    if filters:
        bool_query["filter"] = filters
    return {
        "query": {"bool": bool_query} if bool_query else {"match_all": {}},
        "from": query.offset,
        "size": query.limit,
        "sort": _sort(query),
        "track_total_hits": True,
        "_source": ["document"],
        "aggs": _aggregations(query, nested_units),
    }


def _price_condition(query: SearchQuery) -> dict[str, Any] | None:
    """The conditions one price must meet (range and currency), or None."""
    conditions: list[dict[str, Any]] = []
    bounds: dict[str, float] = {}
    if query.min_price is not None:
        bounds["gte"] = float(query.min_price)
    if query.max_price is not None:
        bounds["lte"] = float(query.max_price)
    if bounds:
        conditions.append({"range": {"prices.value": bounds}})
    if query.currency:
        conditions.append({"term": {"prices.currency": query.currency}})
    return {"bool": {"filter": conditions}} if conditions else None


def _unit_conditions(unit_range: UnitRange) -> list[dict[str, Any]]:
    conditions: list[dict[str, Any]] = [
        {"term": {"characteristics.unitOfMeasure": unit_range.unit}}
    ]
    bounds: dict[str, float] = {}
    if unit_range.minimum is not None:
        bounds["gte"] = float(unit_range.minimum)
    if unit_range.maximum is not None:
        bounds["lte"] = float(unit_range.maximum)
    # Without bounds: the offering has a numeric value in that unit.
    conditions.append(
        {"range": {"characteristics.numericValue": bounds}}
        if bounds
        else {"exists": {"field": "characteristics.numericValue"}}
    )
    return conditions


_TIE_BREAK = {"id": {"order": "asc"}}  # a stable order for paging


def _sort(query: SearchQuery) -> list[Any]:
    if query.sort is None:
        if query.text and query.text.strip():
            return ["_score", _TIE_BREAK]
        return [{"publishedAt": {"order": "desc", "missing": "_last"}}, _TIE_BREAK]
    order = "desc" if query.sort.descending else "asc"
    if query.sort.field is SortField.PRICE:
        nested: dict[str, Any] = {"path": "prices"}
        price = _price_condition(query)
        if price is not None:
            # Sort by the prices the filter accepted: in the currency asked for and in range.
            nested["filter"] = price
        primary: dict[str, Any] = {
            "prices.value": {
                "order": order,
                # Ascending: by the offering's cheapest price; descending: its dearest.
                "mode": "max" if query.sort.descending else "min",
                "nested": nested,
                "missing": "_last",
            }
        }
    elif query.sort.field is SortField.NAME:
        primary = {"name.keyword": {"order": order, "missing": "_last"}}
    else:
        primary = {"publishedAt": {"order": order, "missing": "_last"}}
    return [primary, _TIE_BREAK]


def _aggregations(query: SearchQuery, nested_units: bool) -> dict[str, Any]:
    """Facets over the whole result set: the aggregations run on everything the query
    matched (no post_filter), whatever the page. Characteristic counts are offerings (one
    facet keyword per characteristic of an offering)."""
    price_filter: dict[str, Any] = (
        {"term": {"prices.currency": query.currency}} if query.currency else {"match_all": {}}
    )
    return {
        CHARACTERISTICS_AGG: {
            "terms": {
                "field": FACET_FIELD,
                "size": CHARACTERISTIC_FACET_SIZE,
                "order": [{"_count": "desc"}, {"_key": "asc"}],
            }
        },
        UNITS_AGG: _nested_units_aggregation() if nested_units else _units_aggregation(),
        CHANNELS_AGG: {
            "terms": {
                "field": "salesChannels",
                "size": CHANNEL_FACET_SIZE,
                "order": [{"_count": "desc"}, {"_key": "asc"}],
            }
        },
        PRICE_AGG: {
            "nested": {"path": "prices"},
            "aggs": {
                "prices": {
                    "filter": price_filter,
                    "aggs": {
                        "min": {"min": {"field": "prices.value"}},
                        "max": {"max": {"field": "prices.value"}},
                    },
                }
            },
        },
    }


def _units_aggregation() -> dict[str, Any]:
    """Every unit-bound key of the result set (ordered by key: no bucket ranking needed)."""
    return {
        "terms": {
            "field": UNIT_BOUNDS_FIELD,
            "size": UNIT_BOUND_FACET_SIZE,
            "order": {"_key": "asc"},
        }
    }


def _nested_units_aggregation() -> dict[str, Any]:
    """The units facet from the nested characteristics: the unit-bound keys' fallback."""
    return {
        "nested": {"path": "characteristics"},
        "aggs": {
            "numeric": {
                "filter": {"exists": {"field": "characteristics.numericValue"}},
                "aggs": {
                    "units": {
                        "terms": {
                            "field": "characteristics.unitOfMeasure",
                            "size": UNIT_FACET_SIZE,
                            "order": {"_key": "asc"},
                        },
                        "aggs": {
                            "min": {"min": {"field": "characteristics.numericValue"}},
                            "max": {"max": {"field": "characteristics.numericValue"}},
                        },
                    }
                },
            }
        },
    }


def units_truncated(raw: Mapping[str, Any]) -> bool:
    """Whether the answer's units facet left unit-bound keys out (more than it reads
    matched): then the bounds it gives may not be the least and greatest."""
    aggregations = raw.get("aggregations") or {}
    return int(_path(aggregations, UNITS_AGG).get("sum_other_doc_count") or 0) > 0


async def search_answer(
    query: SearchQuery, send: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
) -> dict[str, Any]:
    """The engine's answer to ``query`` through ``send`` (an adapter's search request); asked
    again with the nested units facet in the rare case that more unit-bound keys matched
    than the fast one reads (its bounds could be wrong)."""
    raw = await send(search_body(query))
    if units_truncated(raw):
        raw = await send(search_body(query, nested_units=True))
    return raw


def parse_response(raw: Mapping[str, Any]) -> SearchResult:
    """The items (contract bodies, in hit order), the total and the facets of an answer."""
    hits = raw.get("hits") or {}
    items = [hit["_source"]["document"] for hit in hits.get("hits") or []]
    total = hits.get("total") or 0
    count = int(total["value"] if isinstance(total, Mapping) else total)
    aggregations = raw.get("aggregations") or {}
    return SearchResult(items=items, total=count, facets=_facets(aggregations))


def _facets(aggregations: Mapping[str, Any]) -> Facets:
    characteristics = [
        CharacteristicFacet(
            name=name, value=value, unit_of_measure=unit, count=int(bucket["doc_count"])
        )
        for bucket in _buckets(aggregations, CHARACTERISTICS_AGG)
        for name, value, unit in [_facet_parts(str(bucket["key"]))]
    ]
    characteristics.sort(key=lambda facet: (-facet.count, facet.name, facet.value))
    channels = [
        ChannelFacet(value=str(bucket["key"]), count=int(bucket["doc_count"]))
        for bucket in _buckets(aggregations, CHANNELS_AGG)
    ]
    prices = _path(aggregations, PRICE_AGG, "prices")
    return Facets(
        characteristics=characteristics,
        units=_units(aggregations),
        sales_channels=channels,
        price=PriceFacet(
            min=_number(_path(prices, "min").get("value")),
            max=_number(_path(prices, "max").get("value")),
        ),
    )


def _units(aggregations: Mapping[str, Any]) -> list[UnitFacet]:
    """The units facet, by unit (the first UNIT_FACET_SIZE units, as the nested terms gave)."""
    if "numeric" in _path(aggregations, UNITS_AGG):  # the nested aggregation's answer
        return [
            UnitFacet(
                unit_of_measure=str(bucket["key"]),
                min=float(bucket["min"]["value"]),
                max=float(bucket["max"]["value"]),
            )
            for bucket in _buckets(aggregations, UNITS_AGG, "numeric", "units")
            if bucket["min"]["value"] is not None and bucket["max"]["value"] is not None
        ]
    bounds: dict[str, tuple[float, float]] = {}
    for bucket in _buckets(aggregations, UNITS_AGG):
        unit, _, text = str(bucket["key"]).rpartition(FACET_SEPARATOR)
        value = float(text)
        least, greatest = bounds.get(unit, (value, value))
        bounds[unit] = (min(least, value), max(greatest, value))
    return [
        UnitFacet(unit_of_measure=unit, min=bounds[unit][0], max=bounds[unit][1])
        for unit in sorted(bounds)[:UNIT_FACET_SIZE]
    ]


def _facet_parts(key: str) -> tuple[str, str, str]:
    name, value, unit = [*key.split(FACET_SEPARATOR), "", ""][:3]
    return name, value, unit


def _path(aggregations: Mapping[str, Any], *names: str) -> Mapping[str, Any]:
    node: Mapping[str, Any] = aggregations
    for name in names:
        node = node.get(name) or {}
    return node


def _buckets(aggregations: Mapping[str, Any], *names: str) -> list[Mapping[str, Any]]:
    buckets: list[Mapping[str, Any]] = _path(aggregations, *names).get("buckets") or []
    return buckets


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


# ---------------------------------------------------------------------------------------------
# Indexes behind the alias (the adapters' shared bookkeeping)


def new_index_name(alias: str) -> str:
    """A fresh index for ``alias``: ``<alias>-<UTC timestamp>-<random>``, so that names sort
    by creation time."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    return f"{alias}-{stamp}-{uuid.uuid4().hex[:8]}"


def initial_index_name(alias: str) -> str:
    """The first index behind ``alias``: one name for every process that starts on an empty
    engine, so exactly one create succeeds (the others meet resource_already_exists) and the
    alias never points at two indexes (which would leave it without a write index)."""
    return f"{alias}-initial"


ALREADY_EXISTS: Final = "resource_already_exists_exception"


def alias_switch(alias: str, old: Iterable[str], new: str) -> list[dict[str, Any]]:
    """The actions of one ``_aliases`` request moving ``alias`` from ``old`` to ``new``:
    applied atomically, so every search sees one index or the other."""
    actions: list[dict[str, Any]] = [
        {"remove": {"index": index, "alias": alias}} for index in sorted(old) if index != new
    ]
    actions.append({"add": {"index": new, "alias": alias}})
    return actions


# Writes carry the document's revision as an external version: the engine keeps an entry
# written with a higher revision (and, for ``index.gc_deletes``, a removal's revision) and
# answers 409 to an older write, which the adapters take for "already superseded".
VERSION_TYPE: Final = "external"


def bulk_action(index: str, document: StoreDocument) -> dict[str, Any]:
    """One bulk ``index`` action (helpers.async_bulk's format) for ``document``."""
    return {
        "_op_type": "index",
        "_index": index,
        "_id": str(document.id),
        "_version": document.revision,
        "_version_type": VERSION_TYPE,
        "_source": index_entry(document),
    }
