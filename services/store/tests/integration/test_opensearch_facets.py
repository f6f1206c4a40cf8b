"""The units facet from the flat unit-bound keywords, and searches answered from the shard
request cache, on the local platform's real OpenSearch (``OPENSEARCH_URL``): hand-made
offerings behind throwaway aliases."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch

from store_service.application.search import SearchQuery, SearchResult, UnitRange
from store_service.domain.documents import StoreDocument
from store_service.infrastructure.search import query as builder
from store_service.infrastructure.search.opensearch import OpenSearchIndex
from store_service.infrastructure.search.query import (
    parse_response,
    search_body,
    units_truncated,
)

pytestmark = pytest.mark.integration

PREFIX = f"store-test-facets-{uuid.uuid4().hex[:10]}"


def offering(
    key: str,
    name: str,
    characteristics: list[tuple[str, str, str | None]],
    channels: tuple[str, ...] = ("web",),
) -> StoreDocument:
    """``characteristics``: (name, value, unit), split over two specifications."""
    specifications = [
        {
            "id": str(uuid.uuid4()),
            "name": f"{name} part {number}",
            "description": None,
            "characteristics": [
                {"id": str(uuid.uuid4()), "name": n, "value": v, "unitOfMeasure": u}
                for n, v, u in characteristics[number::2]
            ],
        }
        for number in range(2)
    ]
    return StoreDocument(
        revision=1,
        body={
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{PREFIX}/{key}")),
            "name": name,
            "description": f"{name} for testing facets",
            "salesChannels": list(channels),
            "publishedAt": "2026-01-01T00:00:00Z",
            "version": 1,
            "specifications": specifications,
            "prices": [
                {"id": "p", "name": "P", "value": "10.00", "unit": "month", "currency": "EUR"}
            ],
        },
    )


OFFERINGS = [
    # Two units, two values in one of them: neither unit's bounds may take the other's.
    offering(
        "fibre", "Fibre Home",
        [("Download", "500", "Mbps"), ("Upload", "100", "Mbps"), ("Data", "20", "GB")],
    ),
    offering(
        "gigabit", "Gigabit Pro",
        [("Download", "1000", "Mbps"), ("Latency", "5", "ms"), ("Technology", "Fibre", None)],
        channels=("web", "partner"),
    ),
    offering(
        "mobile", "Mobile Flex",
        [("Data", "1.5", "GB"), ("Data cap", "Unlimited", "GB"), ("Frost", "-10.5", "°C")],
        channels=("app",),
    ),
    offering(
        "phone", "Phone Max",
        [("Storage", "256", "GB"), ("Weight", "180", "g"), ("Ports", "4", None)],
        channels=("retail",),
    ),
    offering(
        "plan", "Plan Duo",
        [("Warranty", "12", "month"), ("Contract", "12", "month"), ("Term", "24", "month"),
         ("Speed", "12", "km.h")],
        channels=("app", "web"),
    ),
    offering("router", "Router Basic", [("Colour", "Black", "None")], channels=("retail",)),
]  # fmt: skip

QUERIES = [
    SearchQuery(),
    SearchQuery(text="fibre"),
    SearchQuery(channels=("web",)),
    SearchQuery(channels=("app", "retail")),
    SearchQuery(unit_ranges=(UnitRange(unit="Mbps", minimum=600),)),
    SearchQuery(unit_ranges=(UnitRange(unit="GB", maximum=20),)),
    SearchQuery(characteristics=("Data",)),
    SearchQuery(text="zeppelin"),
]


@pytest.fixture(scope="module")
async def index(client) -> OpenSearchIndex:
    index = OpenSearchIndex(client, alias=PREFIX)
    await index.ensure()
    for document in OFFERINGS:
        await index.put(document)
    return index


async def raw_search(client: AsyncOpenSearch, body: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = await client.search(index=PREFIX, body=body)
    return answer


def units(result: SearchResult) -> list[tuple[str, float, float]]:
    return [(f.unit_of_measure, f.min, f.max) for f in result.facets.units]


# ---------------------------------------------------------------------------------------------


async def test_a_fresh_index_has_the_unit_bound_keywords_and_eager_facet_ordinals(client, index):
    mapping = await client.indices.get_mapping(index=PREFIX)
    [properties] = [m["mappings"]["properties"] for m in mapping.values()]
    for facet in ("unitBounds", "characteristicFacets", "salesChannels"):
        assert properties[facet] == {"type": "keyword", "eager_global_ordinals": True}


async def test_the_units_facet_is_the_nested_one(client, index):
    for query in QUERIES:
        flat = await raw_search(client, search_body(query))
        nested = await raw_search(client, search_body(query, nested_units=True))
        assert not units_truncated(flat)
        assert "numeric" in nested["aggregations"]["units"]  # the nested form indeed
        assert units(parse_response(flat)) == units(parse_response(nested)), query
        assert units(await index.search(query)) == units(parse_response(nested)), query


async def test_the_units_facet_by_hand(index):
    assert units(await index.search(SearchQuery())) == [
        ("GB", 1.5, 256.0),
        ("Mbps", 100.0, 1000.0),
        ("g", 180.0, 180.0),
        ("km.h", 12.0, 12.0),
        ("month", 12.0, 24.0),
        ("ms", 5.0, 5.0),
        ("°C", -10.5, -10.5),
    ]
    # Only the gigabit line has a value of at least 600 Mbps: its ms stay apart from its Mbps.
    fast = await index.search(SearchQuery(unit_ranges=(UnitRange(unit="Mbps", minimum=600),)))
    assert units(fast) == [("Mbps", 1000.0, 1000.0), ("ms", 5.0, 5.0)]
    # Fibre Home's 20 GB and its 100..500 Mbps.
    fibre = await index.search(SearchQuery(text="home"))
    assert units(fibre) == [("GB", 20.0, 20.0), ("Mbps", 100.0, 500.0)]


async def test_more_unit_bound_keys_than_read_fall_back_to_the_nested_facet(
    client, index, monkeypatch
):
    expected = units(await index.search(SearchQuery()))
    monkeypatch.setattr(builder, "UNIT_BOUND_FACET_SIZE", 3)

    assert units_truncated(await raw_search(client, search_body(SearchQuery())))
    assert units(await index.search(SearchQuery())) == expected


# ---------------------------------------------------------------------------------------------
# The shard request cache


async def request_cache(client: AsyncOpenSearch, alias: str) -> dict[str, int]:
    stats = await client.indices.stats(index=alias, metric="request_cache")
    [figures] = [each["total"]["request_cache"] for each in stats["indices"].values()]
    return {"hits": int(figures["hit_count"]), "misses": int(figures["miss_count"])}


async def test_a_repeated_search_is_a_cache_hit_and_a_write_is_seen_at_once(client):
    alias = f"{PREFIX}-cache"
    index = OpenSearchIndex(client, alias=alias)
    await index.ensure()
    for document in OFFERINGS[:3]:
        await index.put(document)
    landing = SearchQuery()

    first = await index.search(landing)
    before = await request_cache(client, alias)
    again = await index.search(landing)
    after = await request_cache(client, alias)

    assert again == first
    assert after["hits"] == before["hits"] + 1 and after["misses"] == before["misses"]

    # A write (refresh=true) opens a new reader: the next answer is computed afresh.
    await index.put(offering("tv", "TV Box", [("Storage", "2000", "GB"), ("Size", "140", "cm")]))
    fresh = await index.search(landing)
    latest = await request_cache(client, alias)

    assert fresh.total == first.total + 1
    assert ("cm", 140.0, 140.0) in units(fresh) and ("GB", 1.5, 2000.0) in units(fresh)
    assert latest["misses"] == after["misses"] + 1 and latest["hits"] == after["hits"]
    assert await index.search(landing) == fresh
    assert (await request_cache(client, alias))["hits"] == latest["hits"] + 1
