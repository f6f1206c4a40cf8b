"""The store's read side on the running platform (`make up`): faceted search at 1k, 10k and
100k offerings, indexing throughput, and event -> projected/searchable lag.

1. search: synthetic store documents (seeded) are bulk-indexed behind a throwaway alias
   through the store's own ``OpenSearchIndex.rebuild`` (the real mapping), then a bounded mix
   of queries runs through ``OpenSearchIndex.search`` (the real builder and parser), each
   with its facets. Side by side, the same request bodies go to ``_search`` through a bare
   aiohttp client (the baseline), and OpenSearch's own ``took`` is recorded: the ratios show
   the adapter's and the HTTP/JSON round trip's share. The adapter asks for the shard request
   cache (as the service does), the baseline does not (``request_cache=false``: the engine's
   work every time); so the mix's repeated browse queries (the landing page, the same request
   for every visitor) are cache hits through the adapter, and the landing page with the cache
   cleared before each search (the first visitor after a write) is timed on its own.
2. index: documents/s of the rebuild's bulk path (per size) and of single ``put``s
   (``refresh=true`` per write), beside raw index requests without a refresh.
3. projection: the real projection in-process (``ProjectionConsumer`` -> ``Projection`` ->
   FerretDB and OpenSearch adapters, a throwaway database and alias) applying
   ``PriceUpdated`` events, each port call timed and each FerretDB command counted, with
   0, 1k and 2k offerings already held: where an event's time goes.
4. lag: through the running store consumers: ``price.updated`` CloudEvents published to
   ``catalog.events`` for a published offering set up by events, timed until the store API
   shows the new value (document store and search index), plus the consumers'
   ``store_projection_lag_seconds`` histogram before and after.

Every loop is bounded; everything created is removed at the end (indexes behind the
throwaway aliases, the throwaway Mongo database, the lag run's offering and bookkeeping).
Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import aio_pika
import aiohttp
import httpx
from opensearchpy import AsyncOpenSearch
from pymongo import AsyncMongoClient, monitoring

from catalog_testing import platform_setting, publish_event
from store_service.application.consuming import ProjectionConsumer
from store_service.application.projection import Projection
from store_service.application.search import SearchIndex, SearchQuery, Sort, UnitRange
from store_service.domain.documents import Component, Kind, StoreDocument
from store_service.entrypoints.routes import SALES_CHANNELS
from store_service.entrypoints.topology import QUEUES
from store_service.infrastructure import mongo
from store_service.infrastructure.search.engines import search_index
from store_service.infrastructure.search.query import (
    CHANNELS_AGG,
    CHARACTERISTICS_AGG,
    PRICE_AGG,
    UNITS_AGG,
    index_entry,
    parse_response,
    search_body,
)

EXCHANGE = "catalog.events"
STORE_DATABASE = "store"

# ---------------------------------------------------------------------------------------------
# Synthetic catalog: realistic names, values and units, from a seeded RNG

# (characteristic, unit, values): numeric values in realistic steps. Units are the
# contract's UnitOfMeasure values ("minute", "month", "percent"; "None" for text values).
MEASURES: list[tuple[str, str, list[str]]] = [
    ("Download speed", "Mbps", ["50", "100", "250", "500", "1000", "2500", "10000"]),
    ("Upload speed", "Mbps", ["10", "20", "50", "100", "250", "500", "1000"]),
    ("Peak 5G speed", "Gbps", ["1", "2", "5", "10"]),
    ("Data allowance", "GB", ["1", "5", "10", "20", "50", "100", "200"]),
    ("Roaming data", "GB", ["0", "1", "3", "5", "10", "25"]),
    ("Cloud storage", "GB", ["5", "50", "100", "200", "1000"]),
    ("Device storage", "GB", ["64", "128", "256", "512", "1024"]),
    ("Memory", "GB", ["4", "6", "8", "12", "16"]),
    ("Call minutes", "minute", ["60", "100", "300", "600", "1000", "3000"]),
    ("International minutes", "minute", ["0", "30", "60", "120", "300"]),
    ("Contract term", "month", ["0", "1", "12", "18", "24", "36"]),
    ("Warranty", "month", ["12", "24", "36", "48"]),
    ("Text messages", "count", ["100", "500", "1000", "5000"]),
    ("Screen size", "cm", ["14.7", "15.5", "16.0", "17.0", "27.7", "32.8"]),
    ("Charging power", "Watt", ["18", "25", "45", "65", "120"]),
    ("Latency", "ms", ["5", "10", "15", "20", "30", "50"]),
    ("TV channels", "count", ["20", "50", "100", "150", "250"]),
    ("Weight", "g", ["150", "180", "200", "230", "480", "650"]),
    ("Frequency band", "MHz", ["700", "800", "1800", "2100", "3500"]),
    ("Installation time", "day", ["1", "3", "5", "10", "14"]),
    ("Static IP addresses", "count", ["1", "5", "8", "16"]),
    ("Power consumption", "Watt", ["5", "8", "12", "20"]),
    ("Uptime guarantee", "percent", ["99", "99.5", "99.9", "99.95", "99.99"]),
    ("Hotspot data", "GB", ["5", "10", "25", "50"]),
]
CATEGORIES: list[tuple[str, list[str]]] = [
    ("Technology", ["Fibre", "DSL", "Cable", "5G", "LTE", "Satellite"]),
    ("Router", ["Included", "Rental", "Bring your own", "Wi-Fi 6 mesh"]),
    ("Support", ["24/7", "Business hours", "Priority", "Online only"]),
    ("Colour", ["Black", "White", "Silver", "Blue", "Graphite", "Green"]),
    ("SIM type", ["eSIM", "Nano SIM", "Dual SIM"]),
    ("Network", ["4G", "5G", "5G Standalone"]),
    ("Billing", ["Monthly", "Prepaid", "Annual"]),
    ("Streaming package", ["Sports", "Movies", "Kids", "Documentaries", "None"]),
]
# Qualifiers multiply the names to a vocabulary of ~200 (offers name the same thing
# differently: "Business download speed", "Roaming call minutes"...).
QUALIFIERS = ["", "Business ", "Family ", "Roaming ", "Peak ", "Off-peak ", "Student ", "Premium "]
_WORD_LIST = (
    "fibre home family unlimited business mobile broadband internet fast ultra giga mega smart "
    "flex plus pro max lite basic essential premium student senior travel roaming europe world "
    "stream tv sports movies kids gaming cloud office secure connect bundle duo trio quad "
    "starter value saver comfort total complete freedom easy simple go city country green eco "
    "night weekend daytime prepaid contract sim phone tablet watch router mesh wifi hotspot "
    "landline voice calls data texts minutes gigabit speed turbo boost extra bonus welcome "
    "loyalty partner online shop store digital fiber cable satellite rural urban campus small "
    "medium large enterprise team startup freelance creator music video photo backup storage "
    "security antivirus parental protect care repair insurance upgrade trade device handset "
    "refurbished new classic edition annual monthly weekly daily flexible fixed no-frills"
)
WORDS = _WORD_LIST.split()
CURRENCIES = ["EUR", "USD"]
PRICE_UNITS = ["per month", "per month", "per month", "one-off", "per year"]


@dataclass(frozen=True)
class Vocabulary:
    names: list[tuple[str, str, list[str]]]  # (name, unit, values)


def vocabulary() -> Vocabulary:
    names: list[tuple[str, str, list[str]]] = []
    for qualifier in QUALIFIERS:
        for name, unit, values in MEASURES:
            names.append((f"{qualifier}{name.lower()}" if qualifier else name, unit, values))
    for name, values in CATEGORIES:
        names.append((name, "None", values))
    return Vocabulary(names=names)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def synthetic_documents(count: int, seed: int) -> list[StoreDocument]:
    """``count`` store documents (the contract's body): 1-3 specifications of 3-8
    characteristics from the vocabulary, 1-3 prices in EUR/USD, 1-3 sales channels. The same
    seed gives the same documents, and a smaller count a prefix of a larger one."""
    rng = random.Random(seed)
    names = vocabulary().names
    # Characteristics are shared entities in a catalog: one id per (name, value).
    characteristic_ids: dict[tuple[str, str], str] = {}
    epoch = datetime(2025, 1, 1, tzinfo=UTC)
    documents = []
    for _ in range(count):
        specifications = []
        for _ in range(rng.randint(1, 3)):
            characteristics = []
            for name, unit, values in rng.sample(names, rng.randint(3, 8)):
                value = rng.choice(values)
                cid = characteristic_ids.setdefault((name, value), _uuid(rng))
                characteristics.append(
                    {"id": cid, "name": name, "value": value, "unitOfMeasure": unit}
                )
            specifications.append(
                {
                    "id": _uuid(rng),
                    "name": " ".join(rng.sample(WORDS, 2)).title(),
                    "description": None,
                    "characteristics": characteristics,
                }
            )
        prices = []
        for _ in range(rng.randint(1, 3)):
            amount = Decimal(rng.randint(199, 19999)) / 100
            prices.append(
                {
                    "id": _uuid(rng),
                    "name": f"{rng.choice(WORDS).title()} price",
                    "value": str(amount),
                    "unit": rng.choice(PRICE_UNITS),
                    "currency": rng.choice(CURRENCIES),
                }
            )
        published = epoch + timedelta(seconds=rng.randint(0, 700 * 86400))
        body = {
            "id": _uuid(rng),
            "name": " ".join(rng.sample(WORDS, rng.randint(2, 4))).title(),
            "description": " ".join(rng.choices(WORDS, k=rng.randint(8, 24))).capitalize() + ".",
            "salesChannels": sorted(rng.sample(SALES_CHANNELS, rng.randint(1, 3))),
            "publishedAt": published.isoformat().replace("+00:00", "Z"),
            "version": rng.randint(1, 5),
            "specifications": specifications,
            "prices": prices,
        }
        documents.append(StoreDocument(body=body, revision=1))
    return documents


# ---------------------------------------------------------------------------------------------
# Query mix: each query is derived from a document of the indexed slice, so it finds something

KINDS = ("text", "text+sort", "text+filters", "filters", "filters+sort", "browse")


def _filters(document: StoreDocument, rng: random.Random) -> dict[str, Any]:
    body = document.body
    characteristics = [c for s in body["specifications"] for c in s["characteristics"]]
    numeric = [c for c in characteristics if c["unitOfMeasure"] != "None"]
    price = rng.choice(body["prices"])
    value = float(price["value"])
    filters: dict[str, Any] = {
        "min_price": Decimal(str(max(0, int(value * 0.5)))),
        "max_price": Decimal(str(int(value * 2) + 1)),
        "currency": price["currency"],
        "channels": (rng.choice(body["salesChannels"]), rng.choice(SALES_CHANNELS)),
        "characteristics": (rng.choice(characteristics)["name"],),
    }
    if numeric:
        measure = rng.choice(numeric)
        filters["unit_ranges"] = (
            UnitRange(unit=measure["unitOfMeasure"], minimum=float(measure["value"]) / 2),
        )
    return filters


def _text(document: StoreDocument, rng: random.Random) -> str:
    words = document.body["name"].lower().split()
    return " ".join(rng.sample(words, min(len(words), rng.choice((1, 1, 2)))))


SORTS = ("price", "-price", "name", "-publishedAt")


def query_mix(
    documents: Sequence[StoreDocument], per_kind: int, seed: int
) -> list[tuple[str, SearchQuery]]:
    rng = random.Random(seed)
    queries: list[tuple[str, SearchQuery]] = []
    for kind in KINDS:
        for _ in range(per_kind):
            document = rng.choice(documents)
            sort = Sort.parse(rng.choice(SORTS)) if kind.endswith("+sort") else None
            if kind == "text" or kind == "text+sort":
                query = SearchQuery(text=_text(document, rng), sort=sort)
            elif kind == "text+filters":
                filters = _filters(document, rng)
                query = SearchQuery(
                    text=_text(document, rng),
                    min_price=filters["min_price"],
                    max_price=filters["max_price"],
                    channels=filters["channels"],
                )
            elif kind in ("filters", "filters+sort"):
                query = SearchQuery(**_filters(document, rng), sort=sort)
            else:  # browse: the landing page, facets over everything
                query = SearchQuery()
            queries.append((kind, query))
    return queries


# ---------------------------------------------------------------------------------------------
# Figures


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "ms_p50": round(statistics.median(values), 2),
        "ms_p95": round(percentile(values, 0.95), 2),
        "ms_p99": round(percentile(values, 0.99), 2),
    }


def line(label: str, figures: dict[str, float]) -> str:
    if not figures.get("n"):
        return f"{label}: no samples"
    return (
        f"{label}: p50 {figures['ms_p50']} ms, p95 {figures['ms_p95']} ms, "
        f"p99 {figures['ms_p99']} ms (n={figures['n']})"
    )


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


# ---------------------------------------------------------------------------------------------
# 1 + 2: search and indexing on a throwaway alias


async def _iterate(documents: Sequence[StoreDocument]) -> AsyncIterator[StoreDocument]:
    for document in documents:
        yield document


async def rebuild(index: SearchIndex, documents: Sequence[StoreDocument]) -> dict[str, float]:
    started = time.perf_counter()
    count = await index.rebuild(_iterate(documents))
    elapsed = time.perf_counter() - started
    assert count == len(documents), (count, len(documents))
    return {"documents": count, "seconds": round(elapsed, 2), "docs_per_s": round(count / elapsed)}


async def search_round(
    index: SearchIndex,
    http: aiohttp.ClientSession,
    search_url: str,
    queries: Sequence[tuple[str, SearchQuery]],
    concurrency: int,
) -> dict[str, Any]:
    """Every query twice, through the adapter and raw (alternating which goes first), by
    ``concurrency`` clients at once: both paths see the same load."""
    jobs: list[tuple[int, str]] = []
    for number in range(len(queries)):
        pair = [(number, "adapter"), (number, "raw")]
        jobs.extend(pair if number % 2 == 0 else pair[::-1])
    bodies = [json.dumps(search_body(query)).encode() for _, query in queries]
    adapter: dict[str, list[float]] = {kind: [] for kind in KINDS}
    raw: dict[str, list[float]] = {kind: [] for kind in KINDS}
    took: dict[str, list[float]] = {kind: [] for kind in KINDS}
    totals: dict[str, list[int]] = {kind: [] for kind in KINDS}
    failures = {"adapter": 0, "raw": 0}
    position = 0

    async def worker() -> None:
        nonlocal position
        while position < len(jobs):  # bounded: every job once
            number, path = jobs[position]
            position += 1
            kind, query = queries[number]
            started = time.perf_counter()
            # A failed search (the adapter's 5 s client timeout: ServiceUnavailable, a 503 at
            # the API) counts as a failure and with its time: the percentiles include it.
            try:
                if path == "adapter":
                    result = await index.search(query)
                    totals[kind].append(result.total)
                else:
                    async with http.post(
                        search_url,
                        data=bodies[number],
                        headers={"Content-Type": "application/json"},
                    ) as response:
                        answer = json.loads(await response.read())
                    if response.status != 200:
                        raise RuntimeError(f"HTTP {response.status}")
                    took[kind].append(float(answer["took"]))
            except Exception:
                failures[path] += 1
            (adapter if path == "adapter" else raw)[kind].append(
                (time.perf_counter() - started) * 1000
            )

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    result: dict[str, Any] = {
        "concurrency": concurrency,
        "searches_per_s": round(len(jobs) / elapsed),
        "failures": failures,
        "kinds": {},
    }
    everything = {"adapter": [], "raw": [], "took": []}
    for kind in KINDS:
        everything["adapter"] += adapter[kind]
        everything["raw"] += raw[kind]
        everything["took"] += took[kind]
        result["kinds"][kind] = {
            "adapter": summary(adapter[kind]),
            "raw": summary(raw[kind]),
            "took": summary(took[kind]),
            "hits_median": statistics.median(totals[kind]) if totals[kind] else 0,
        }
    result["all"] = {name: summary(values) for name, values in everything.items()}
    a, r = result["all"]["adapter"], result["all"]["raw"]
    result["all"]["adapter_over_raw_p50"] = ratio(a["ms_p50"], r["ms_p50"])
    result["all"]["adapter_over_raw_p95"] = ratio(a["ms_p95"], r["ms_p95"])
    return result


# What each facet (aggregation) adds to the engine's time: the same queries with no
# aggregations, with one of them, and with all (OpenSearch's ``took``, median).
FACET_VARIANTS: dict[str, tuple[str, ...] | None] = {
    "no facets": (),
    "+characteristics": (CHARACTERISTICS_AGG,),
    "+units": (UNITS_AGG,),
    "+salesChannels": (CHANNELS_AGG,),
    "+price": (PRICE_AGG,),
    "all facets": None,
}


async def facet_cost(
    http: aiohttp.ClientSession,
    search_url: str,
    queries: Sequence[tuple[str, SearchQuery]],
    per_kind: int,
) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    for kind in ("browse", "text", "filters"):
        chosen = [query for k, query in queries if k == kind][:per_kind]
        figures[kind] = {}
        for variant, names in FACET_VARIANTS.items():
            tooks = []
            for query in chosen:  # bounded
                body = search_body(query)
                if names is not None:
                    body["aggs"] = {k: v for k, v in body["aggs"].items() if k in names}
                async with http.post(search_url, json=body) as response:
                    tooks.append(float((await response.json())["took"]))
            figures[kind][variant] = statistics.median(tooks)
    return figures


def client_side_cost(
    queries: Sequence[tuple[str, SearchQuery]], answers: dict[str, dict[str, Any]]
) -> dict[str, dict[str, float]]:
    """Microseconds of the pure parts per search, per kind: building the body, and
    parsing a captured answer (JSON decoding, then parse_response)."""
    figures: dict[str, dict[str, float]] = {}
    rounds = 50
    for kind, answer in answers.items():
        query = next(q for k, q in queries if k == kind)
        encoded = json.dumps(answer)
        started = time.perf_counter()
        for _ in range(rounds):
            json.dumps(search_body(query))
        build = (time.perf_counter() - started) / rounds
        started = time.perf_counter()
        for _ in range(rounds):
            json.loads(encoded)
        decode = (time.perf_counter() - started) / rounds
        started = time.perf_counter()
        for _ in range(rounds):
            parse_response(answer)
        parse = (time.perf_counter() - started) / rounds
        figures[kind] = {
            "build_us": round(build * 1e6),
            "json_decode_us": round(decode * 1e6),
            "parse_us": round(parse * 1e6),
            "answer_kb": round(len(encoded) / 1024, 1),
        }
    return figures


async def uncached_browse(
    index: SearchIndex, admin: AsyncOpenSearch, alias: str, rounds: int
) -> dict[str, float]:
    """The landing page through the adapter as the first visitor after a write sees it: the
    request cache cleared before each search (global ordinals stay built, as a refresh
    builds them eagerly)."""
    durations: list[float] = []
    for _ in range(rounds):  # bounded
        await admin.indices.clear_cache(index=alias, request=True)
        started = time.perf_counter()
        await index.search(SearchQuery())
        durations.append((time.perf_counter() - started) * 1000)
    return summary(durations)


async def request_cache_counts(admin: AsyncOpenSearch, alias: str) -> dict[str, int]:
    stats = await admin.indices.stats(index=alias, metric="request_cache")
    counts = {"hits": 0, "misses": 0}
    for each in stats["indices"].values():
        counts["hits"] += int(each["total"]["request_cache"]["hit_count"])
        counts["misses"] += int(each["total"]["request_cache"]["miss_count"])
    return counts


async def capture_answers(
    http: aiohttp.ClientSession, search_url: str, queries: Sequence[tuple[str, SearchQuery]]
) -> dict[str, dict[str, Any]]:
    answers = {}
    for kind in KINDS:
        query = next(q for k, q in queries if k == kind)
        async with http.post(search_url, json=search_body(query)) as response:
            answers[kind] = await response.json()
    return answers


async def timed_writes(
    count: int, concurrency: int, write: Callable[[int], Awaitable[None]]
) -> dict[str, float]:
    durations: list[float] = []
    position = 0

    async def worker() -> None:
        nonlocal position
        while position < count:  # bounded
            number = position
            position += 1
            started = time.perf_counter()
            await write(number)
            durations.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"concurrency": concurrency, "docs_per_s": round(count / elapsed), **summary(durations)}


def revised(document: StoreDocument, revision: int, salt: int) -> StoreDocument:
    """The document with a new price value and revision (what a price.updated writes)."""
    body = json.loads(json.dumps(document.body))
    body["prices"][0]["value"] = str(Decimal(salt % 10000 + 100) / 100)
    return StoreDocument(body=body, revision=revision)


async def search_and_index(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    url = platform_setting("OPENSEARCH_URL")
    run_id = uuid.uuid4().hex[:8]
    alias = f"bench-store-{run_id}"
    put_alias = f"bench-store-put-{run_id}"
    sizes = sorted(args.sizes)
    started = time.perf_counter()
    documents = synthetic_documents(max(sizes), args.seed)
    generated = time.perf_counter() - started
    names = {
        c["name"] for d in documents for s in d.body["specifications"] for c in s["characteristics"]
    }
    print(
        f"generated {len(documents)} documents in {generated:.1f}s "
        f"({len(names)} characteristic names)"
    )
    figures["generated"] = {"documents": len(documents), "seconds": round(generated, 1)}
    # The store's own factory: the same client settings (timeout 5 s) as the service.
    index, close_index = search_index("opensearch", url, alias)
    put_index, close_put_index = search_index("opensearch", url, put_alias)
    admin = AsyncOpenSearch(hosts=[url], timeout=120)
    connector = aiohttp.TCPConnector(limit=max(args.concurrency))
    # The same 5 s limit as the adapter's client (engines.search_index).
    http = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=5))
    # The baseline never uses the request cache: what the engine does for a query it has not
    # answered since the last refresh (the adapter asks for the cache).
    search_url = f"{url.rstrip('/')}/{alias}/_search?request_cache=false"
    figures["search"] = {}
    figures["rebuild"] = {}
    try:
        for size in sizes:
            built = await rebuild(index, documents[:size])
            figures["rebuild"][size] = built
            print(
                f"rebuild {size}: {built['seconds']} s, {built['docs_per_s']} docs/s "
                "(bulk, then refresh and alias switch)"
            )
            queries = query_mix(documents[:size], args.queries, args.seed + size)
            warm_up = query_mix(documents[:size], 5, args.seed - size)
            await search_round(index, http, search_url, warm_up, 1)
            per_size: dict[str, Any] = {"rounds": []}
            cache_before = await request_cache_counts(admin, alias)
            for concurrency in args.concurrency:
                round_figures = await search_round(index, http, search_url, queries, concurrency)
                per_size["rounds"].append(round_figures)
                overall = round_figures["all"]
                print(
                    f"search {size} x{concurrency}: {round_figures['searches_per_s']} searches/s;"
                    f" {line('adapter', overall['adapter'])}; {line('raw', overall['raw'])};"
                    f" took p50 {overall['took']['ms_p50']} ms;"
                    f" failures {round_figures['failures']}"
                )
                for kind, kind_figures in round_figures["kinds"].items():
                    print(
                        f"    {kind:<13} {line('adapter', kind_figures['adapter'])}; "
                        f"raw p50 {kind_figures['raw']['ms_p50']} ms, "
                        f"took p50 {kind_figures['took']['ms_p50']} ms, "
                        f"hits ~{kind_figures['hits_median']}"
                    )
            cache_after = await request_cache_counts(admin, alias)
            per_size["request_cache"] = cache = {
                name: cache_after[name] - cache_before[name] for name in cache_after
            }
            print(
                f"    request cache over the rounds: {cache['hits']} hits, {cache['misses']}"
                " misses (adapter searches; browse repeats one request)"
            )
            per_size["browse_uncached"] = first = await uncached_browse(
                index, admin, alias, args.facet_queries
            )
            print(f"    {'browse, cache cleared before each':<13} {line('adapter', first)}")
            per_size["facet_took_ms_p50"] = facets = await facet_cost(
                http, search_url, queries, args.facet_queries
            )
            for kind, variants in facets.items():
                print(
                    f"    facet cost, {kind}: "
                    + ", ".join(f"{name} {took:.0f}" for name, took in variants.items())
                    + " ms (took p50)"
                )
            answers = await capture_answers(http, search_url, queries)
            per_size["client_side_us"] = client_side_cost(queries, answers)
            figures["search"][size] = per_size

        # Single writes, refresh=true each (the projection's path), into a fresh index and
        # as updates of the largest one; beside raw index requests without refresh.
        largest = documents[: max(sizes)]
        puts: dict[str, Any] = {}
        await put_index.ensure()
        fresh = documents[: args.puts]
        puts["put_new_x1"] = await timed_writes(len(fresh), 1, lambda n: put_index.put(fresh[n]))
        revision = 2
        for concurrency in (1, 8):
            current = revision

            async def update(n: int, current: int = current) -> None:
                await index.put(revised(largest[n], current, n + current))

            puts[f"put_update_x{concurrency}"] = await timed_writes(args.puts, concurrency, update)
            revision += 1
            current = revision

            async def raw_update(n: int, current: int = current) -> None:
                document = revised(largest[n], current, n + current)
                await admin.index(
                    index=alias,
                    id=str(document.id),
                    body=index_entry(document),
                    version=current,
                    version_type="external",
                )

            puts[f"raw_no_refresh_update_x{concurrency}"] = await timed_writes(
                args.puts, concurrency, raw_update
            )
            revision += 1
        figures["put"] = puts
        for name, put in puts.items():
            print(f"{name}: {put['docs_per_s']} docs/s; {line('per write', put)}")
    finally:
        await http.close()
        for name in (alias, put_alias):
            await drop_indexes(admin, name)
        await close_index()
        await close_put_index()
        await admin.close()


async def drop_indexes(admin: AsyncOpenSearch, alias: str) -> None:
    """Delete this run's indexes behind ``alias`` (named ``<alias>-<timestamp>-<random>``),
    by name."""
    found = await admin.indices.get(index=f"{alias}-*", ignore=404)
    for name in found if "error" not in found else []:
        if name.startswith(f"{alias}-"):
            await admin.indices.delete(index=name, ignore=404)


# ---------------------------------------------------------------------------------------------
# 3: the projection in-process, each port call timed


class Timed:
    """Wraps an adapter; accumulates the milliseconds of each awaited method."""

    def __init__(self, name: str, inner: Any, clock: dict[str, list[float]]) -> None:
        self._name = name
        self._inner = inner
        self._clock = clock

    def __getattr__(self, attribute: str) -> Any:
        target = getattr(self._inner, attribute)
        if not callable(target) or not asyncio.iscoroutinefunction(target):
            return target
        key = f"{self._name}.{attribute}"

        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await target(*args, **kwargs)
            finally:
                self._clock.setdefault(key, []).append((time.perf_counter() - started) * 1000)

        return timed


class Commands(monitoring.CommandListener):
    """Counts the document store's round trips (each command PyMongo sends) and their
    milliseconds, by command name."""

    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self.ms.setdefault(event.command_name, []).append(event.duration_micros / 1000)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self.ms.setdefault(event.command_name, []).append(event.duration_micros / 1000)


class NoCatalog:
    async def fetch(self, kind: Kind, component_id: uuid.UUID) -> Component | None:
        raise AssertionError(f"the bench sent every part; {kind} {component_id} was fetched")

    async def published_offerings(self) -> AsyncIterator[Component]:
        return
        yield


def cloud_event(event_type: str, data: dict[str, Any], source: str) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": source,
        "type": event_type,
        "time": datetime.now(UTC).isoformat(),
        "subject": data["id"],
        "datacontenttype": "application/json",
        "correlationid": f"bench-store-{uuid.uuid4().hex[:8]}",
        "data": data,
    }


@dataclass
class Scene:
    """One published offering and its parts, as the write services' snapshots."""

    characteristics: list[dict[str, Any]]
    specification: dict[str, Any]
    price: dict[str, Any]
    offering: dict[str, Any]
    marker: str  # a characteristic name only this offering has

    def events(self) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(routing key, type, source, data) of the events that set it up, parts first."""
        return [
            *(
                ("characteristic.created", "CharacteristicCreated", "/catalog/characteristic", c)
                for c in self.characteristics
            ),
            (
                "specification.created",
                "SpecificationCreated",
                "/catalog/specification",
                self.specification,
            ),
            ("price.created", "PriceCreated", "/catalog/pricing", self.price),
            ("offering.published", "OfferingPublished", "/catalog/offering", self.offering),
        ]

    def price_update(self, version: int, value: str) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat()
        return {**self.price, "value": value, "version": version, "updatedAt": now}

    def deletions(self, version: int) -> list[tuple[str, str, str, dict[str, Any]]]:
        def gone(data: dict[str, Any]) -> dict[str, Any]:
            return {**data, "version": version}

        offering = {**self.offering, "lifecycleStatus": "RETIRED", "version": version}
        return [
            ("offering.deleted", "OfferingDeleted", "/catalog/offering", offering),
            ("price.deleted", "PriceDeleted", "/catalog/pricing", gone(self.price)),
            (
                "specification.deleted",
                "SpecificationDeleted",
                "/catalog/specification",
                gone(self.specification),
            ),
            *(
                (
                    "characteristic.deleted",
                    "CharacteristicDeleted",
                    "/catalog/characteristic",
                    gone(c),
                )
                for c in self.characteristics
            ),
        ]

    def component_keys(self) -> list[str]:
        return [
            *(f"characteristic:{c['id']}" for c in self.characteristics),
            f"specification:{self.specification['id']}",
            f"price:{self.price['id']}",
            f"offering:{self.offering['id']}",
        ]


def scene(run_id: str) -> Scene:
    now = datetime.now(UTC).isoformat()
    stamps = {"createdAt": now, "updatedAt": now}
    marker = f"Bench lag {run_id}"
    characteristics = [
        {
            "id": str(uuid.uuid4()),
            "name": marker,
            "value": "500",
            "unitOfMeasure": "Mbps",
            "version": 1,
            **stamps,
        },
        {
            "id": str(uuid.uuid4()),
            "name": "Upload speed",
            "value": "100",
            "unitOfMeasure": "Mbps",
            "version": 1,
            **stamps,
        },
        {
            "id": str(uuid.uuid4()),
            "name": "Contract term",
            "value": "24",
            "unitOfMeasure": "month",
            "version": 1,
            **stamps,
        },
        {
            "id": str(uuid.uuid4()),
            "name": "Technology",
            "value": "Fibre",
            "unitOfMeasure": "None",
            "version": 1,
            **stamps,
        },
    ]
    specification = {
        "id": str(uuid.uuid4()),
        "name": f"Bench fibre {run_id}",
        "description": None,
        "characteristicIds": [c["id"] for c in characteristics],
        "version": 1,
        **stamps,
    }
    price = {
        "id": str(uuid.uuid4()),
        "name": f"Bench monthly {run_id}",
        "value": "30.00",
        "unit": "per month",
        "currency": "EUR",
        "locked": False,
        "lockedBySagaId": None,
        "version": 1,
        **stamps,
    }
    offering = {
        "id": str(uuid.uuid4()),
        "name": f"Bench home {run_id}",
        "description": "Benchmark offering, removed at the end of the run",
        "specificationIds": [specification["id"]],
        "priceIds": [price["id"]],
        "salesChannels": ["ONLINE", "PARTNER"],
        "lifecycleStatus": "PUBLISHED",
        "publicationFailureReason": None,
        "sagaId": str(uuid.uuid4()),
        "publishedAt": now,
        "retiredAt": None,
        "version": 4,
        **stamps,
    }
    return Scene(characteristics, specification, price, offering, marker)


def seed_rows(documents: Sequence[StoreDocument]) -> dict[str, list[dict[str, Any]]]:
    """Rows for the store's collections as the projection would have left them after
    projecting ``documents`` (the row shapes of ``infrastructure/mongo.py``): one version of
    each part and offering, one revision of each document, one processed event each."""
    now = datetime.now(UTC)
    components: dict[str, dict[str, Any]] = {}

    def component(kind: Kind, data: dict[str, Any]) -> None:
        key = f"{kind.value}:{data['id']}"
        components[key] = {
            "_id": f"{key}:{1:012d}",
            "key": key,
            "kind": kind.value,
            "id": data["id"],
            "version": 1,
            "data": {**data, "version": 1},
            "deleted": False,
            "published": kind is Kind.OFFERING,
        }

    rows: dict[str, list[dict[str, Any]]] = {mongo.DOCUMENTS: [], mongo.PROCESSED: []}
    for document in documents:
        body = document.body
        characteristic_ids: set[str] = set()
        for specification in body["specifications"]:
            for characteristic in specification["characteristics"]:
                characteristic_ids.add(characteristic["id"])
                component(Kind.CHARACTERISTIC, characteristic)
            ids = [c["id"] for c in specification["characteristics"]]
            component(
                Kind.SPECIFICATION,
                {
                    **{k: v for k, v in specification.items() if k != "characteristics"},
                    "characteristicIds": ids,
                },
            )
        for price in body["prices"]:
            component(Kind.PRICE, price)
        offering = {
            **{k: v for k, v in body.items() if k not in ("specifications", "prices")},
            "specificationIds": [s["id"] for s in body["specifications"]],
            "priceIds": [p["id"] for p in body["prices"]],
            "lifecycleStatus": "PUBLISHED",
        }
        component(Kind.OFFERING, offering)
        rows[mongo.DOCUMENTS].append(
            {
                "_id": f"{body['id']}:{1:012d}",
                "offering": body["id"],
                "revision": 1,
                "writtenAt": now,
                "body": body,
                "specificationIds": sorted(s["id"] for s in body["specifications"]),
                "characteristicIds": sorted(characteristic_ids),
                "priceIds": sorted(p["id"] for p in body["prices"]),
                "removed": False,
            }
        )
        rows[mongo.PROCESSED].append({"_id": f"store.offerings:{uuid.uuid4()}", "at": now})
    rows[mongo.COMPONENTS] = list(components.values())
    return rows


async def projection_at(
    args: argparse.Namespace,
    client: AsyncMongoClient[dict[str, Any]],
    commands: Commands,
    seeded: int,
) -> dict[str, Any]:
    """Apply ``args.projections`` PriceUpdated events in-process to a throwaway database
    already holding ``seeded`` offerings' rows; every port call and command timed."""
    run_id = uuid.uuid4().hex[:8]
    database_name = f"store_bench_{run_id}"
    db = client[database_name]
    alias = f"bench-store-projection-{run_id}"
    index, close_index = search_index("opensearch", platform_setting("OPENSEARCH_URL"), alias)
    admin = AsyncOpenSearch(hosts=[platform_setting("OPENSEARCH_URL")], timeout=30)
    clock: dict[str, list[float]] = {}
    try:
        await mongo.ensure_indexes(db)
        await index.ensure()
        seeding = time.perf_counter()
        if seeded:
            for collection, rows in seed_rows(synthetic_documents(seeded, args.seed)).items():
                for start in range(0, len(rows), 1000):
                    await db[collection].insert_many(rows[start : start + 1000], ordered=False)
        seeding = time.perf_counter() - seeding
        projection = Projection(
            components=Timed("components", mongo.MongoComponents(db), clock),
            documents=Timed("documents", mongo.MongoDocuments(db), clock),
            index=Timed("index", index, clock),
            catalog=NoCatalog(),
            staging=Timed("staging", mongo.MongoStaging(db), clock),
        )
        consumer = ProjectionConsumer(
            projection=projection,
            processed=Timed("processed", mongo.MongoProcessedEvents(db), clock),
        )

        async def handle(event_type: str, data: dict[str, Any]) -> bool:
            # What the consumers process does with a delivered CloudEvent.
            return await consumer.handle("bench", uuid.uuid4(), event_type, datetime.now(UTC), data)

        made = scene(run_id)
        for _, event_type, _, data in made.events():
            await handle(event_type, data)
        clock.clear()
        commands.ms.clear()
        totals: list[float] = []
        # With offerings held, each event takes seconds on FerretDB v1: fewer of them.
        events = args.projections if not seeded else min(args.projections, args.seeded_events)
        for number in range(events):  # bounded
            data = made.price_update(number + 2, f"{30 + number / 100:.2f}")
            started = time.perf_counter()
            assert await handle("PriceUpdated", data)
            totals.append((time.perf_counter() - started) * 1000)
        per_call = {key: round(sum(v) / events, 2) for key, v in sorted(clock.items())}
        calls = {key: round(len(v) / events, 1) for key, v in sorted(clock.items())}
        per_command = {key: round(sum(v) / events, 2) for key, v in sorted(commands.ms.items())}
        round_trips = {key: round(len(v) / events, 1) for key, v in sorted(commands.ms.items())}
        return {
            "seeded_offerings": seeded,
            "seeding_s": round(seeding, 1),
            "events": events,
            "total": summary(totals),
            "ms_per_event_by_port_call": per_call,
            "port_calls_per_event": calls,
            "ms_per_event_by_command": per_command,
            "round_trips_per_event": round_trips,
            "ms_document_store": round(sum(per_command.values()), 2),
            "document_store_round_trips": round(sum(round_trips.values()), 1),
            "ms_search_index": round(
                sum(v for k, v in per_call.items() if k.startswith("index.")), 2
            ),
        }
    finally:
        await client.drop_database(database_name)
        await drop_indexes(admin, alias)
        await close_index()
        await admin.close()


async def projection_breakdown(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    commands = Commands()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        platform_setting("MONGODB_URL"),
        tz_aware=True,
        serverSelectionTimeoutMS=3000,
        event_listeners=[commands],
    )
    figures["projection"] = []
    try:
        for seeded in args.projection_sizes:
            result = await projection_at(args, client, commands, seeded)
            figures["projection"].append(result)
            print(
                line(
                    f"projection of one price.updated, in-process, {seeded} offerings held "
                    f"(seeded in {result['seeding_s']} s)",
                    result["total"],
                )
            )
            print(
                f"    per event (mean): document store {result['ms_document_store']} ms in "
                f"{result['document_store_round_trips']} round trips, search index put "
                f"(refresh=true) {result['ms_search_index']} ms"
            )
            for key, value in result["ms_per_event_by_port_call"].items():
                print(f"    {key:<24} {value:>7.2f} ms x{result['port_calls_per_event'][key]}")
            for key, value in result["ms_per_event_by_command"].items():
                print(
                    f"    mongo {key:<18} {value:>7.2f} ms x{result['round_trips_per_event'][key]}"
                )
    finally:
        await client.close()


# ---------------------------------------------------------------------------------------------
# 4: event -> projected / searchable, through the running consumers


HISTOGRAM = re.compile(
    r'^store_projection_lag_seconds_(count|sum|bucket)(?:\{le="([^"]+)"\})? (\S+)$'
)


async def lag_histogram(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    text = (await http.get(url)).text
    figures: dict[str, Any] = {"count": 0.0, "sum": 0.0, "buckets": {}}
    for row in text.splitlines():
        match = HISTOGRAM.match(row)
        if not match:
            continue
        name, bound, value = match.groups()
        if name == "bucket":
            figures["buckets"][bound] = float(value)
        else:
            figures[name] = float(value)
    return figures


def histogram_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    count = after["count"] - before["count"]
    total = after["sum"] - before["sum"]
    buckets = {
        bound: after["buckets"][bound] - before["buckets"].get(bound, 0.0)
        for bound in after["buckets"]
    }

    def bucket_of(fraction: float) -> str | None:
        for bound, cumulative in buckets.items():
            if count and cumulative >= fraction * count:
                return bound
        return None

    return {
        "count": int(count),
        "sum_s": round(total, 3),
        "mean_ms": round(total / count * 1000, 1) if count else None,
        "p50_at_most_s": bucket_of(0.5),
        "p99_at_most_s": bucket_of(0.99),
        "buckets": {bound: int(value) for bound, value in buckets.items()},
    }


async def wait_for(
    check: Callable[[], Awaitable[bool]], within: float, interval: float
) -> float | None:
    """The moment (perf_counter) ``check`` first held, or None after ``within`` seconds."""
    deadline = time.perf_counter() + within
    while time.perf_counter() < deadline:
        if await check():
            return time.perf_counter()
        await asyncio.sleep(interval)
    return None


async def lag(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    rabbitmq_url = platform_setting("RABBITMQ_URL")
    run_id = uuid.uuid4().hex[:8]
    made = scene(run_id)
    offering_id = made.offering["id"]
    event_ids: list[tuple[Kind, str]] = []
    store = httpx.AsyncClient(base_url=args.store, timeout=10)
    metrics = httpx.AsyncClient(timeout=10)
    connection = await aio_pika.connect(rabbitmq_url)
    version = 1

    async def emit(routing_key: str, event_type: str, source: str, data: dict[str, Any]) -> None:
        body = cloud_event(event_type, data, source)
        event_ids.append((Kind(routing_key.split(".")[0]), body["id"]))
        await publish_event(rabbitmq_url, routing_key, json.dumps(body).encode())

    async def histogram_count() -> float:
        return float((await lag_histogram(metrics, args.metrics))["count"])

    try:
        before = await lag_histogram(metrics, args.metrics)
        # Parts first, then (once the consumers have taken them) the offering.
        parts = made.events()
        for event in parts[:-1]:
            await emit(*event)
        target = before["count"] + len(parts) - 1
        if await wait_for(lambda: _at_least(histogram_count, target), 30, 0.05) is None:
            raise RuntimeError("the store consumers did not project the parts within 30 s")
        await emit(*parts[-1])

        async def searchable() -> bool:
            response = await store.get(
                "/api/v1/store/search", params={"characteristic": made.marker, "limit": 1}
            )
            items = response.json().get("items") if response.status_code == 200 else None
            return bool(items) and items[0]["id"] == offering_id

        if await wait_for(searchable, 30, 0.05) is None:
            raise RuntimeError("the bench offering did not become searchable within 30 s")
        await asyncio.sleep(0.5)
        before = await lag_histogram(metrics, args.metrics)

        channel = await connection.channel()  # publisher confirms, like publish_event's
        exchange = await channel.declare_exchange(
            EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        projected: list[float] = []
        indexed: list[float] = []
        confirm: list[float] = []
        missed = 0
        for number in range(args.events):  # bounded
            version = number + 2
            value = f"{40 + number / 100:.2f}"
            body = cloud_event(
                "PriceUpdated", made.price_update(version, value), "/catalog/pricing"
            )
            event_ids.append((Kind.PRICE, body["id"]))
            message = aio_pika.Message(
                json.dumps(body).encode(),
                content_type="application/cloudevents+json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )

            async def in_documents(value: str = value) -> bool:
                response = await store.get(f"/api/v1/store/offerings/{offering_id}")
                return (
                    response.status_code == 200 and response.json()["prices"][0]["value"] == value
                )

            async def in_index(value: str = value) -> bool:
                response = await store.get(
                    "/api/v1/store/search", params={"characteristic": made.marker, "limit": 1}
                )
                items = response.json().get("items") if response.status_code == 200 else None
                return bool(items) and items[0]["prices"][0]["value"] == value

            started = time.perf_counter()
            await exchange.publish(message, routing_key="price.updated")
            confirmed = time.perf_counter()
            seen_document, seen_index = await asyncio.gather(
                wait_for(in_documents, 10, args.poll_interval),
                wait_for(in_index, 10, args.poll_interval),
            )
            confirm.append((confirmed - started) * 1000)
            if seen_document is None or seen_index is None:
                missed += 1
                continue
            projected.append((seen_document - started) * 1000)
            indexed.append((seen_index - started) * 1000)
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)
        after = await lag_histogram(metrics, args.metrics)
        figures["lag"] = {
            "events": args.events,
            "missed": missed,
            "poll_interval_ms": args.poll_interval * 1000,
            "publish_confirm": summary(confirm),
            "document_store": summary(projected),
            "searchable": summary(indexed),
            "histogram": histogram_delta(before, after),
        }
        print(line("event -> document store (GET offering)", figures["lag"]["document_store"]))
        print(line("event -> searchable (GET search)", figures["lag"]["searchable"]))
        histogram = figures["lag"]["histogram"]
        print(
            f"store_projection_lag_seconds: +{histogram['count']} observations, "
            f"mean {histogram['mean_ms']} ms, p99 <= {histogram['p99_at_most_s']} s; "
            f"{missed} events not seen within 10 s"
        )
    finally:
        # Newer than every version sent (the offering's snapshot was version 4).
        await cleanup_scene(made, max(version, 4) + 1, event_ids, emit, store)
        await connection.close()
        await store.aclose()
        await metrics.aclose()


async def _at_least(count: Callable[[], Awaitable[float]], target: float) -> bool:
    return await count() >= target


async def cleanup_scene(
    made: Scene,
    version: int,
    event_ids: list[tuple[Kind, str]],
    emit: Callable[..., Awaitable[None]],
    store: httpx.AsyncClient,
) -> None:
    """Delete the offering and its parts through the consumers (which take it out of the
    index), then the store's bookkeeping of them (rows named by this run's ids only)."""
    offering_id = made.offering["id"]
    for event in made.deletions(version):
        await emit(*event)

    async def gone() -> bool:
        response = await store.get(f"/api/v1/store/offerings/{offering_id}")
        search = await store.get("/api/v1/store/search", params={"characteristic": made.marker})
        return response.status_code == 404 and search.json().get("total") == 0

    if await wait_for(gone, 30, 0.1) is None:
        print(f"warning: offering {offering_id} still in the store after 30 s")
    await asyncio.sleep(1.0)  # the parts' deletions, on their own queues
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        platform_setting("MONGODB_URL"), tz_aware=True, serverSelectionTimeoutMS=3000
    )
    try:
        db = client[STORE_DATABASE]
        await db[mongo.COMPONENTS].delete_many({"key": {"$in": made.component_keys()}})
        await db[mongo.DOCUMENTS].delete_many({"offering": offering_id})
        processed = [f"{QUEUES[kind].name}:{event_id}" for kind, event_id in event_ids]
        for start in range(0, len(processed), 100):
            await db[mongo.PROCESSED].delete_many({"_id": {"$in": processed[start : start + 100]}})
    finally:
        await client.close()


# ---------------------------------------------------------------------------------------------


def sizes(raw: str) -> list[int]:
    return [int(part) for part in raw.split(",") if part.strip()]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=sizes, default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=50, help="per query kind and size")
    parser.add_argument("--facet-queries", type=int, default=10, help="per facet variant")
    parser.add_argument("--concurrency", type=sizes, default=[1, 8])
    parser.add_argument("--puts", type=int, default=1000)
    parser.add_argument("--projections", type=int, default=200)
    parser.add_argument(
        "--projection-sizes",
        type=sizes,
        default=[0, 1000, 2000],
        help="offerings held in the document store while projecting",
    )
    parser.add_argument("--seeded-events", type=int, default=20, help="events per seeded size")
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--poll-interval", type=float, default=0.02, help="seconds")
    parser.add_argument("--seed", type=int, default=620)
    parser.add_argument("--store", default="http://127.0.0.1:8006")
    parser.add_argument("--metrics", default="http://127.0.0.1:9106/metrics")
    parser.add_argument(
        "--parts",
        type=lambda raw: raw.split(","),
        default=["search", "projection", "lag"],
        help="comma-separated: search (also the write figures), projection, lag",
    )
    args = parser.parse_args()
    figures: dict[str, Any] = {"benchmark": "store_search", "seed": args.seed}
    if "search" in args.parts:
        await search_and_index(args, figures)
    if "projection" in args.parts:
        await projection_breakdown(args, figures)
    if "lag" in args.parts:
        await lag(args, figures)
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
