"""The search index on the local platform's real OpenSearch (``OPENSEARCH_URL``): ten
hand-made offerings behind a throwaway alias, searched the way the store API will."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch

from store_service.application.search import SearchQuery, SearchResult, Sort, UnitRange
from store_service.domain.documents import StoreDocument
from store_service.infrastructure.search.opensearch import OpenSearchIndex

pytestmark = pytest.mark.integration

PREFIX = f"store-test-{uuid.uuid4().hex[:10]}"


def offering(
    key: str,
    name: str,
    description: str,
    channels: list[str],
    published: str,
    characteristics: list[tuple[str, str, str | None]],
    prices: list[tuple[str, str]],
    revision: int = 1,
) -> StoreDocument:
    """``characteristics``: (name, value, unit); ``prices``: (value, currency)."""
    return StoreDocument(
        revision=revision,
        body={
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{PREFIX}/{key}")),
            "name": name,
            "description": description,
            "salesChannels": channels,
            "publishedAt": published,
            "version": 1,
            "specifications": [
                {
                    "id": str(uuid.uuid4()),
                    "name": f"{name} specification",
                    "description": None,
                    "characteristics": [
                        {"id": str(uuid.uuid4()), "name": n, "value": v, "unitOfMeasure": u}
                        for n, v, u in characteristics
                    ],
                }
            ],
            "prices": [
                {
                    "id": str(uuid.uuid4()),
                    "name": "Price",
                    "value": v,
                    "unit": "month",
                    "currency": c,
                }
                for v, c in prices
            ],
        },
    )


OFFERINGS = {
    "home": offering(
        "home", "Fibre Home 500", "Fast broadband for families", ["web", "retail"],
        "2026-01-01T10:00:00Z",
        [("Technology", "Fibre", None), ("Download", "500", "Mbps"), ("Upload", "100", "Mbps")],
        [("29.99", "EUR"), ("49.00", "EUR")],
    ),
    "pro": offering(
        "pro", "Fibre Pro 1000", "Gigabit connection for power users", ["web"],
        "2026-01-05T10:00:00Z",
        [("Technology", "Fibre", None), ("Download", "1000", "Mbps"), ("Upload", "500", "Mbps")],
        [("59.99", "EUR"), ("69.99", "USD")],
    ),
    "dsl": offering(
        "dsl", "DSL Basic 16", "Copper line for light browsing", ["retail"],
        "2025-12-01T10:00:00Z",
        [("Technology", "DSL", None), ("Download", "16", "Mbps")],
        [("19.99", "EUR")],
    ),
    "cable": offering(
        "cable", "Cable Max 250", "Cable broadband with TV", ["web", "partner"],
        "2026-02-01T10:00:00Z",
        [("Technology", "Cable", None), ("Download", "250", "Mbps")],
        [("39.99", "USD")],
    ),
    "unlimited": offering(
        "unlimited", "Mobile Unlimited", "Unlimited mobile data while travelling", ["web", "app"],
        "2026-01-10T10:00:00Z",
        [("Data allowance", "Unlimited", None), ("Network", "5G", None)],
        [("25.00", "EUR"), ("5.00", "EUR")],
    ),
    "twenty": offering(
        "twenty", "Mobile 20GB", "Mobile plan with plenty of data", ["app"],
        "2025-11-01T10:00:00Z",
        [("Data allowance", "20", "GB"), ("Network", "4G", None)],
        [("12.50", "EUR")],
    ),
    "satellite": offering(
        "satellite", "Satellite Connect", "Broadband anywhere, from orbit", ["partner"],
        "2026-01-20T10:00:00Z",
        [("Technology", "Satellite", None), ("Download", "100", "Mbps"), ("Latency", "600", "ms")],
        [("89.00", "EUR"), ("30.00", "USD")],
    ),
    "router": offering(
        "router", "Router Plus", "Wireless router with mesh support", ["retail", "web"],
        "2025-10-01T10:00:00Z",
        [("Wi-Fi standard", "Wi-Fi 6", None), ("Ports", "4", None)],
        [("99.00", "EUR")],
    ),
    "box": offering(
        "box", "TV Stream Box", "Streams television in 4K", ["retail"],
        "2026-03-01T10:00:00Z",
        [("Resolution", "4K", None), ("Storage", "32", "GB")],
        [("4.99", "EUR")],
    ),
    "business": offering(
        "business", "Business Gigabit 2000", "Symmetric line for offices", ["partner"],
        "2026-02-15T10:00:00Z",
        [("Technology", "Fibre", None), ("Download", "2000", "Mbps")],
        [("9.00", "EUR"), ("149.00", "USD")],
    ),
}  # fmt: skip
KEY_OF = {document.body["id"]: key for key, document in OFFERINGS.items()}


@pytest.fixture(scope="module")
async def index(client) -> OpenSearchIndex:
    index = OpenSearchIndex(client, alias=PREFIX)
    await index.ensure()
    await index.ensure()  # idempotent
    for document in OFFERINGS.values():
        await index.put(document)
    return index


async def keys(index: OpenSearchIndex, **parameters: Any) -> list[str]:
    result = await index.search(SearchQuery(limit=100, **parameters))
    assert result.total == len(result.items)
    return [KEY_OF[item["id"]] for item in result.items]


async def found(index: OpenSearchIndex, **parameters: Any) -> set[str]:
    return set(await keys(index, **parameters))


# ---------------------------------------------------------------------------------------------


async def test_ensure_made_one_index_behind_the_alias(client, index):
    aliases = await client.indices.get_alias(name=PREFIX)
    assert len(aliases) == 1
    (name,) = aliases
    assert name.startswith(f"{PREFIX}-")
    settings = await client.indices.get_settings(index=name)
    assert settings[name]["settings"]["index"]["number_of_replicas"] == "0"
    assert settings[name]["settings"]["index"]["gc_deletes"] == "1h"


async def test_a_hit_is_the_contract_document(index):
    result = await index.search(SearchQuery(text="copper"))
    assert result.items == [OFFERINGS["dsl"].body]


async def test_text_finds_a_characteristic_value(index):
    # "Fibre" is the Technology of the business line, not in its name or description.
    assert await found(index, text="fibre") == {"home", "pro", "business"}
    assert await found(index, text="unlimited") == {"unlimited"}
    assert await found(index, text="satellite") == {"satellite"}


async def test_text_finds_a_specification_or_characteristic_name(index):
    assert await found(index, text="latency") == {"satellite"}
    assert await found(index, text="storage") == {"box"}


async def test_text_tolerates_typos(index):
    assert await found(index, text="fibr") == {"home", "pro", "business"}
    assert await found(index, text="fiber") == {"home", "pro", "business"}
    assert await found(index, text="gigabti") == {"pro", "business"}
    assert await found(index, text="satelite") == {"satellite"}


async def test_text_is_stemmed_in_english(index):
    assert await found(index, text="streaming") == {"box"}  # "Streams"
    assert await found(index, text="travels") == {"unlimited"}  # "travelling"
    assert await found(index, text="family") == {"home"}  # "families"


async def test_every_word_must_match(index):
    assert await found(index, text="fibre pro") == {"pro"}
    assert await found(index, text="mobile 5G") == {"unlimited"}


async def test_relevance_puts_a_name_match_first(index):
    # "TV" is in the box's name and in the cable offering's description.
    assert await keys(index, text="tv") == ["box", "cable"]
    assert await found(index, text="broadband") == {"home", "cable", "satellite"}


async def test_a_price_range_matches_when_one_price_lies_in_it(index):
    # Home costs 29.99 and 49.00: the second lies in the range.
    assert await found(index, min_price=Decimal("40"), max_price=Decimal("50")) == {"home"}
    assert await found(index, min_price=Decimal("25"), max_price=Decimal("30")) == {
        "home",
        "unlimited",
        "satellite",
    }
    assert await found(index, min_price=Decimal("100")) == {"business"}
    assert await found(index, max_price=Decimal("5")) == {"unlimited", "box"}
    assert await found(index, min_price=Decimal("200")) == set()


async def test_the_price_in_range_must_be_in_the_currency(index):
    # Satellite: 89.00 EUR and 30.00 USD. Its USD price is in range, its EUR price is not.
    assert await found(index, min_price=Decimal("25"), max_price=Decimal("35"), currency="EUR") == {
        "home",
        "unlimited",
    }
    assert await found(index, min_price=Decimal("25"), max_price=Decimal("35"), currency="USD") == {
        "satellite"
    }
    assert await found(index, currency="USD") == {"pro", "cable", "satellite", "business"}


async def test_channels_match_any(index):
    assert await found(index, channels=("partner", "app")) == {
        "cable",
        "unlimited",
        "twenty",
        "satellite",
        "business",
    }
    assert await found(index, channels=("nowhere",)) == set()


async def test_characteristics_must_all_be_present(index):
    assert await found(index, characteristics=("Technology",)) == {
        "home",
        "pro",
        "dsl",
        "cable",
        "satellite",
        "business",
    }
    assert await found(index, characteristics=("Technology", "Upload")) == {"home", "pro"}
    assert await found(index, characteristics=("Latency", "Upload")) == set()


async def test_unit_ranges(index):
    at_least_100 = UnitRange(unit="Mbps", minimum=100)
    assert await found(index, unit_ranges=(at_least_100,)) == {
        "home",
        "pro",
        "cable",
        "satellite",
        "business",
    }
    # One characteristic must lie in the range: Pro has 1000 and 500 Mbps, neither in it.
    between = UnitRange(unit="Mbps", minimum=100, maximum=300)
    assert await found(index, unit_ranges=(between,)) == {"home", "cable", "satellite"}
    small_storage = UnitRange(unit="GB", maximum=50)
    assert await found(index, unit_ranges=(small_storage,)) == {"twenty", "box"}
    assert await found(index, unit_ranges=(at_least_100, small_storage)) == set()
    assert await found(index, unit_ranges=(UnitRange(unit="ms"),)) == {"satellite"}


async def test_filters_combine(index):
    assert await found(
        index,
        text="fibre",
        channels=("web",),
        unit_ranges=(UnitRange(unit="Mbps", minimum=600),),
    ) == {"pro"}


async def test_sort_by_price(index):
    # Ascending by each offering's cheapest price, descending by its dearest.
    assert await keys(index, sort=Sort.parse("price")) == [
        "box", "unlimited", "business", "twenty", "dsl",
        "home", "satellite", "cable", "pro", "router",
    ]  # fmt: skip
    assert await keys(index, sort=Sort.parse("-price")) == [
        "business", "router", "satellite", "pro", "home",
        "cable", "unlimited", "dsl", "twenty", "box",
    ]  # fmt: skip


async def test_sort_by_price_in_a_currency_uses_only_those_prices(index):
    # Business costs 9.00 EUR (its cheapest) but 149.00 USD.
    assert await keys(index, currency="USD", sort=Sort.parse("price")) == [
        "satellite",
        "cable",
        "pro",
        "business",
    ]


async def test_sort_by_name(index):
    names = sorted(document.body["name"].lower() for document in OFFERINGS.values())
    ascending = [
        OFFERINGS[key].body["name"].lower() for key in await keys(index, sort=Sort.parse("name"))
    ]
    assert ascending == names
    descending = [
        OFFERINGS[key].body["name"].lower() for key in await keys(index, sort=Sort.parse("-name"))
    ]
    assert descending == names[::-1]


async def test_sort_by_publication_and_newest_first_by_default(index):
    by_date = sorted(OFFERINGS, key=lambda key: OFFERINGS[key].body["publishedAt"])
    assert await keys(index, sort=Sort.parse("publishedAt")) == by_date
    assert await keys(index, sort=Sort.parse("-publishedAt")) == by_date[::-1]
    assert await keys(index) == by_date[::-1]


async def test_paging_with_the_total(index):
    everything = await keys(index, sort=Sort.parse("name"))
    pages: list[str] = []
    for offset in range(0, 12, 3):
        result = await index.search(SearchQuery(sort=Sort.parse("name"), limit=3, offset=offset))
        assert result.total == 10
        pages.extend(KEY_OF[item["id"]] for item in result.items)
    assert pages == everything


async def test_facets_count_the_whole_result_set(index):
    # Web: home, pro, cable, unlimited, router; one item on the page, facets over all five.
    result = await index.search(SearchQuery(channels=("web",), limit=1))
    assert result.total == 5 and len(result.items) == 1
    facets = result.facets
    assert {(f.value, f.count) for f in facets.sales_channels} == {
        ("web", 5),
        ("retail", 2),
        ("partner", 1),
        ("app", 1),
    }
    assert facets.sales_channels[0].value == "web"
    characteristics = {
        (f.name, f.value, f.unit_of_measure): f.count for f in facets.characteristics
    }
    assert characteristics == {
        ("Technology", "Fibre", ""): 2,
        ("Technology", "Cable", ""): 1,
        ("Download", "500", "Mbps"): 1,
        ("Download", "1000", "Mbps"): 1,
        ("Download", "250", "Mbps"): 1,
        ("Upload", "100", "Mbps"): 1,
        ("Upload", "500", "Mbps"): 1,
        ("Data allowance", "Unlimited", ""): 1,
        ("Network", "5G", ""): 1,
        ("Wi-Fi standard", "Wi-Fi 6", ""): 1,
        ("Ports", "4", ""): 1,
    }
    assert facets.characteristics[0].count == 2
    assert {(f.unit_of_measure, f.min, f.max) for f in facets.units} == {("Mbps", 100.0, 1000.0)}
    assert (facets.price.min, facets.price.max) == (5.0, 99.0)


async def test_facets_follow_every_filter_and_the_currency(index):
    result = await index.search(SearchQuery(text="mobile", limit=1))
    assert {(f.unit_of_measure, f.min, f.max) for f in result.facets.units} == {("GB", 20.0, 20.0)}
    assert {(f.value, f.count) for f in result.facets.sales_channels} == {("app", 2), ("web", 1)}
    usd = await index.search(SearchQuery(currency="USD", channels=("web",)))
    assert {KEY_OF[item["id"]] for item in usd.items} == {"pro", "cable"}
    assert (usd.facets.price.min, usd.facets.price.max) == (39.99, 69.99)
    nothing = await index.search(SearchQuery(text="zeppelin"))
    assert nothing.total == 0 and nothing.items == []
    assert nothing.facets.characteristics == [] and nothing.facets.units == []
    assert (nothing.facets.price.min, nothing.facets.price.max) == (None, None)


async def test_put_replaces_and_remove_drops_in_revision_order(index):
    extra = offering(
        "extra", "Zeppelin Link", "Airship broadband", ["web"], "2024-01-01T00:00:00Z",
        [("Technology", "Airship", None)], [("1.00", "EUR")], revision=5,
    )  # fmt: skip
    await index.put(extra)
    assert (await index.search(SearchQuery(text="zeppelin"))).items == [extra.body]

    renamed = StoreDocument(body={**extra.body, "name": "Blimp Link"}, revision=6)
    await index.put(renamed)
    assert (await index.search(SearchQuery(text="blimp"))).items == [renamed.body]
    # One entry per offering (its specification is still named "Zeppelin Link ...").
    assert (await index.search(SearchQuery(text="zeppelin"))).items == [renamed.body]

    await index.put(extra)  # a slow write of revision 5 arrives late: superseded
    assert (await index.search(SearchQuery(text="blimp"))).items == [renamed.body]

    await index.remove(extra.body["id"], revision=4)  # older than the entry: ignored
    assert (await index.search(SearchQuery(text="blimp"))).total == 1

    await index.remove(extra.body["id"], revision=7)
    assert (await index.search(SearchQuery(text="blimp"))).total == 0
    await index.put(renamed)  # revision 6, older than the removal: stays removed
    assert (await index.search(SearchQuery(text="blimp"))).total == 0
    await index.remove(extra.body["id"], revision=8)  # nothing left: no error

    republished = StoreDocument(body={**extra.body, "name": "Dirigible Link"}, revision=9)
    await index.put(republished)
    assert (await index.search(SearchQuery(text="dirigible"))).items == [republished.body]
    await index.remove(extra.body["id"], revision=10)
    assert (await index.search(SearchQuery())).total == 10


async def test_removing_an_unknown_offering_is_no_error(index):
    await index.remove(str(uuid.uuid4()), revision=1)


async def test_rebuild_switches_the_alias_while_searches_keep_being_answered(client):
    alias = f"{PREFIX}-rebuild"
    index = OpenSearchIndex(client, alias=alias)
    await index.ensure()
    for document in list(OFFERINGS.values())[:4]:
        await index.put(document)
    (before,) = await client.indices.get_alias(name=alias)

    async def documents() -> AsyncIterator[StoreDocument]:
        for document in OFFERINGS.values():
            await asyncio.sleep(0.02)  # a slow source: searches run meanwhile
            yield document

    totals: list[int] = []
    failures: list[BaseException] = []
    done = asyncio.Event()

    async def searching() -> None:
        deadline = time.monotonic() + 60
        while not done.is_set() and time.monotonic() < deadline:
            try:
                result: SearchResult = await index.search(SearchQuery(limit=1))
                totals.append(result.total)
            except Exception as error:  # every search must be answered
                failures.append(error)
            await asyncio.sleep(0.005)

    loop = asyncio.create_task(searching())
    try:
        count = await index.rebuild(documents())
    finally:
        done.set()
        await loop
    assert count == 10
    assert failures == []
    assert len(totals) >= 5
    assert set(totals) <= {4, 10}  # the old index or the complete new one, nothing between
    assert totals[0] == 4
    assert (await index.search(SearchQuery())).total == 10

    aliases = await client.indices.get_alias(name=alias)
    (after,) = aliases
    assert after != before
    assert not await client.indices.exists(index=before)  # the old index is gone

    # A second rebuild with fewer documents replaces the index again.
    async def two() -> AsyncIterator[StoreDocument]:
        for document in list(OFFERINGS.values())[:2]:
            yield document

    assert await index.rebuild(two()) == 2
    assert (await index.search(SearchQuery())).total == 2
    (latest,) = await client.indices.get_alias(name=alias)
    assert latest != after and not await client.indices.exists(index=after)


async def test_ensure_adds_new_mapping_fields_to_an_existing_index(search_url):
    """An index made by an older mapping (here: one without the facet keywords, whose
    sales channels built global ordinals lazily) accepts the current entries after ensure(),
    without a rebuild."""

    from store_service.infrastructure.search.opensearch import OpenSearchIndex
    from store_service.infrastructure.search.query import (
        FACET_FIELD,
        UNIT_BOUNDS_FIELD,
        index_mapping,
    )

    client = AsyncOpenSearch(hosts=[search_url])
    alias = f"store-test-mapping-{uuid.uuid4().hex[:8]}"
    old = index_mapping()
    del old["mappings"]["properties"][FACET_FIELD]
    del old["mappings"]["properties"][UNIT_BOUNDS_FIELD]
    old["mappings"]["properties"]["salesChannels"] = {"type": "keyword"}
    try:
        await client.indices.create(index=f"{alias}-old", body={**old, "aliases": {alias: {}}})
        index = OpenSearchIndex(client, alias=alias)

        await index.ensure()

        mapping = await client.indices.get_mapping(index=alias)
        [properties] = [m["mappings"]["properties"] for m in mapping.values()]
        current = index_mapping()["mappings"]["properties"]
        for field in (FACET_FIELD, UNIT_BOUNDS_FIELD, "salesChannels"):
            assert properties[field] == current[field]
        await index.put(OFFERINGS["home"])
        result = await index.search(SearchQuery())
        assert [(f.unit_of_measure, f.min, f.max) for f in result.facets.units] == [
            ("Mbps", 100.0, 500.0)
        ]
    finally:
        await client.indices.delete(index=f"{alias}-*", ignore_unavailable=True)
        await client.close()


async def test_processes_starting_together_leave_one_writable_index_behind_the_alias(search_url):
    """The store's API, consumers and saga worker start at once on an empty engine: one
    creates the index, the others find it, and the alias points at exactly one index (two
    would leave it without a write index, refusing every write)."""

    from store_service.infrastructure.search.opensearch import OpenSearchIndex

    alias = f"store-test-race-{uuid.uuid4().hex[:8]}"
    clients = [AsyncOpenSearch(hosts=[search_url]) for _ in range(4)]
    try:
        await asyncio.gather(*(OpenSearchIndex(c, alias=alias).ensure() for c in clients))

        aliases = await clients[0].indices.get_alias(name=alias)
        assert list(aliases) == [f"{alias}-initial"]
        written = await clients[0].index(index=alias, body={"name": "probe"}, refresh=True)
        assert written["result"] == "created"
    finally:
        await clients[0].indices.delete(index=f"{alias}-*", ignore_unavailable=True)
        for client in clients:
            await client.close()


async def test_the_store_keeps_only_the_search_clients_warnings(search_url, caplog):
    """The client logs a line per request at INFO; each request is a span already."""
    from store_service.infrastructure.search.engines import search_index

    alias = f"store-test-quiet-{uuid.uuid4().hex[:8]}"
    caplog.set_level(logging.INFO)
    index, close = search_index("opensearch", search_url, alias)
    try:
        await index.ensure()
        await index.put(OFFERINGS["home"])
        found = await index.search(SearchQuery())
    finally:
        await close()
        cleanup = AsyncOpenSearch(hosts=[search_url])
        await cleanup.indices.delete(index=f"{alias}-*", ignore_unavailable=True)
        await cleanup.close()

    assert found.total == 1
    assert not [r for r in caplog.records if r.name.startswith("opensearch")]
    assert logging.getLogger("opensearch").getEffectiveLevel() == logging.WARNING


async def test_a_request_slower_than_the_configured_timeout_fails_as_a_timeout(search_url):
    """The settings' timeout reaches the client (the rebuild gives its bulk requests more)."""
    from opensearchpy import ConnectionTimeout

    from store_service.infrastructure.search.engines import search_index

    index, close = search_index("opensearch", search_url, "store-test-timeout", timeout=0.0001)
    try:
        with pytest.raises(ConnectionTimeout):
            await index.ensure()
    finally:
        await close()
