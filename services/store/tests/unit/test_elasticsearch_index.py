"""The Elasticsearch adapter's requests, without an Elasticsearch server: the real
``elasticsearch`` async client (elastic-transport over aiohttp) talks to a small aiohttp
server on 127.0.0.1 that records every request and answers as Elasticsearch 8 would."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from elasticsearch import AsyncElasticsearch
from elasticsearch.helpers import BulkIndexError

from store_service.application.search import SearchQuery, Sort
from store_service.domain.documents import StoreDocument
from store_service.infrastructure.search.elasticsearch import ElasticsearchIndex
from store_service.infrastructure.search.query import index_entry, index_mapping, search_body

ALIAS = "store-test"
PRODUCT = {"X-Elastic-Product": "Elasticsearch"}  # the client refuses answers without it


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def ndjson(self) -> list[Any]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


Answer = Callable[[Recorded], tuple[int, Any]]


@dataclass
class FakeElasticsearch:
    """Answers by the first route whose method and path pattern match; records all."""

    requests: list[Recorded] = field(default_factory=list)
    routes: list[tuple[str, re.Pattern[str], Answer]] = field(default_factory=list)

    def on(self, method: str, pattern: str, answer: Answer | tuple[int, Any]) -> None:
        respond = answer if callable(answer) else (lambda _request, fixed=answer: fixed)
        self.routes.insert(0, (method, re.compile(pattern), respond))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        recorded = Recorded(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            text=await request.text(),
        )
        self.requests.append(recorded)
        for method, pattern, respond in self.routes:
            if method == request.method and pattern.fullmatch(request.path):
                status, body = respond(recorded)
                if request.method == "HEAD":
                    return web.Response(status=status, headers=PRODUCT)
                return web.json_response(body, status=status, headers=PRODUCT)
        return web.json_response({"error": "unexpected"}, status=500, headers=PRODUCT)

    def made(self, method: str, pattern: str) -> list[Recorded]:
        """The requests whose method and path match these patterns."""
        return [
            r
            for r in self.requests
            if re.fullmatch(method, r.method) and re.fullmatch(pattern, r.path)
        ]


@pytest.fixture
async def server() -> AsyncIterator[tuple[FakeElasticsearch, str]]:
    fake = FakeElasticsearch()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield fake, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def fake(server) -> FakeElasticsearch:
    return server[0]


@pytest.fixture
async def index(server) -> AsyncIterator[ElasticsearchIndex]:
    client = AsyncElasticsearch(server[1], retry_on_status=(), max_retries=0)
    try:
        yield ElasticsearchIndex(client, alias=ALIAS)
    finally:
        await client.close()


def document(name: str = "Fibre 500", revision: int = 1) -> StoreDocument:
    return StoreDocument(
        revision=revision,
        body={
            "id": str(uuid.uuid4()),
            "name": name,
            "description": "Broadband",
            "salesChannels": ["web"],
            "publishedAt": "2026-01-01T00:00:00Z",
            "version": 1,
            "specifications": [
                {
                    "id": str(uuid.uuid4()),
                    "name": "Line",
                    "description": None,
                    "characteristics": [
                        {"id": "c", "name": "Download", "value": "500", "unitOfMeasure": "Mbps"}
                    ],
                }
            ],
            "prices": [
                {"id": "p", "name": "Monthly", "value": "19.99", "unit": "month", "currency": "EUR"}
            ],
        },
    )


def alias_of(*indices: str) -> tuple[int, Any]:
    return 200, {name: {"aliases": {ALIAS: {}}} for name in indices}


NO_ALIAS = (404, {"error": f"alias [{ALIAS}] missing", "status": 404})
ACKNOWLEDGED = (200, {"acknowledged": True})


def bulk_ok(request: Recorded) -> tuple[int, Any]:
    actions = request.ndjson[::2]
    items = [{"index": {"_id": a["index"]["_id"], "status": 201}} for a in actions]
    return 200, {"took": 1, "errors": False, "items": items}


# ---------------------------------------------------------------------------------------------


async def test_ensure_creates_an_index_with_the_mapping_behind_the_alias(fake, index):
    fake.on("HEAD", f"/_alias/{ALIAS}", (404, None))
    fake.on("PUT", f"/{ALIAS}-.+", lambda r: (200, {"acknowledged": True, "index": r.path[1:]}))
    fake.on("GET", f"/_alias/{ALIAS}", lambda _r: alias_of(fake.made("PUT", ".*")[0].path[1:]))

    await index.ensure()

    (created,) = fake.made("PUT", f"/{ALIAS}-.+")
    assert created.json == {**index_mapping(), "aliases": {ALIAS: {}}}
    assert not fake.made("DELETE", ".*")


async def test_ensure_adds_new_fields_to_an_existing_index_and_nothing_else(fake, index):
    fake.on("HEAD", f"/_alias/{ALIAS}", (200, None))
    fake.on("PUT", f"/{ALIAS}/_mapping", ACKNOWLEDGED)

    await index.ensure()

    assert [(r.method, r.path) for r in fake.requests] == [
        ("HEAD", f"/_alias/{ALIAS}"),
        ("PUT", f"/{ALIAS}/_mapping"),
    ]
    assert fake.requests[1].json == index_mapping()["mappings"]


async def test_ensure_racing_another_process_finds_the_index_it_made(fake, index):
    """Every process creates the one initial index: the loser meets resource_already_exists
    and only makes sure the alias is there; no second index behind the alias."""
    exists = {"error": {"type": "resource_already_exists_exception"}, "status": 400}
    fake.on("HEAD", f"/_alias/{ALIAS}", (404, None))
    fake.on("PUT", f"/{ALIAS}-initial", (400, exists))
    fake.on("PUT", f"/{ALIAS}-initial/_alias/{ALIAS}", ACKNOWLEDGED)

    await index.ensure()

    assert [r.path for r in fake.made("PUT", ".*")] == [
        f"/{ALIAS}-initial",
        f"/{ALIAS}-initial/_alias/{ALIAS}",
    ]
    assert fake.made("DELETE", ".*") == []


async def test_put_indexes_the_entry_by_offering_id_at_its_revision(fake, index):
    doc = document(revision=7)
    fake.on("PUT", f"/{ALIAS}/_doc/.+", (201, {"result": "created", "_id": str(doc.id)}))

    await index.put(doc)

    (request,) = fake.requests
    assert request.path == f"/{ALIAS}/_doc/{doc.id}"
    assert request.query == {"version": "7", "version_type": "external", "refresh": "true"}
    assert request.json == index_entry(doc)


async def test_put_of_a_superseded_revision_is_no_error(fake, index):
    conflict = {"error": {"type": "version_conflict_engine_exception"}, "status": 409}
    fake.on("PUT", f"/{ALIAS}/_doc/.+", (409, conflict))
    await index.put(document(revision=3))
    assert len(fake.requests) == 1


@pytest.mark.parametrize("status", [404, 409])
async def test_remove_at_a_revision_ignores_a_missing_or_newer_entry(fake, index, status):
    fake.on("DELETE", f"/{ALIAS}/_doc/.+", (status, {"result": "not_found"}))
    offering_id = str(uuid.uuid4())

    await index.remove(offering_id, revision=12)

    (request,) = fake.requests
    assert request.path == f"/{ALIAS}/_doc/{offering_id}"
    assert request.query == {"version": "12", "version_type": "external", "refresh": "true"}


async def test_search_sends_the_builders_body_and_parses_the_answer(fake, index):
    doc = document()
    fake.on(
        "POST",
        f"/{ALIAS}/_search",
        (
            200,
            {
                "hits": {
                    "total": {"value": 1, "relation": "eq"},
                    "hits": [{"_id": str(doc.id), "_source": {"document": doc.body}}],
                },
                "aggregations": {
                    "salesChannels": {"buckets": [{"key": "web", "doc_count": 1}]},
                },
            },
        ),
    )
    queries = [
        SearchQuery(),
        SearchQuery(text="fibre", channels=("web", "shop"), limit=5, offset=10),
        SearchQuery(currency="EUR", sort=Sort.parse("-price"), characteristics=("Download",)),
    ]
    for query in queries:
        result = await index.search(query)
        assert result.items == [doc.body] and result.total == 1
        assert [(c.value, c.count) for c in result.facets.sales_channels] == [("web", 1)]

    sent = fake.made("POST", f"/{ALIAS}/_search")
    assert [request.json for request in sent] == [search_body(q) for q in queries]
    # size > 0 answers come from the shard request cache only when asked per request
    assert [request.query for request in sent] == [{"request_cache": "true"}] * len(queries)


async def test_a_truncated_units_facet_is_asked_again_nested(fake, index):
    nested_units = {
        "doc_count": 2,
        "numeric": {
            "doc_count": 2,
            "units": {
                "buckets": [
                    {"key": "Mbps", "doc_count": 2, "min": {"value": 5}, "max": {"value": 9}}
                ]
            },
        },
    }

    def answer(request: Recorded) -> tuple[int, Any]:
        nested = "nested" in request.json["aggs"]["units"]
        units = (
            nested_units
            if nested
            else {"sum_other_doc_count": 1, "buckets": [{"key": "Mbps\u001f9.0", "doc_count": 1}]}
        )
        hits = {"total": {"value": 0, "relation": "eq"}, "hits": []}
        return 200, {"hits": hits, "aggregations": {"units": units}}

    fake.on("POST", f"/{ALIAS}/_search", answer)
    query = SearchQuery(text="fibre")

    result = await index.search(query)

    assert [(u.unit_of_measure, u.min, u.max) for u in result.facets.units] == [("Mbps", 5, 9)]
    sent = fake.made("POST", f"/{ALIAS}/_search")
    assert [request.json for request in sent] == [
        search_body(query),
        search_body(query, nested_units=True),
    ]
    assert {request.query["request_cache"] for request in sent} == {"true"}


async def test_rebuild_bulk_indexes_then_switches_the_alias_in_one_request(fake, index):
    old = f"{ALIAS}-20000101000000000000-old"
    fake.on("PUT", f"/{ALIAS}-.+", ACKNOWLEDGED)
    fake.on("PUT", "/_bulk", bulk_ok)
    fake.on("POST", "/_bulk", bulk_ok)
    fake.on("POST", f"/{ALIAS}-.+/_refresh", (200, {"_shards": {"failed": 0}}))
    fake.on("GET", f"/_alias/{ALIAS}", alias_of(old))
    fake.on("POST", "/_aliases", ACKNOWLEDGED)
    fake.on("DELETE", f"/{ALIAS}-.+", ACKNOWLEDGED)
    documents = [document(f"Offer {n}", revision=n + 1) for n in range(3)]

    async def stream() -> AsyncIterator[StoreDocument]:
        for each in documents:
            yield each

    assert await index.rebuild(stream()) == 3

    (created,) = fake.made("PUT", f"/{ALIAS}-.+")
    new = created.path[1:]
    assert new != old and new.startswith(f"{ALIAS}-")
    assert created.json == index_mapping()  # no alias until it is complete
    bulk = [line for r in fake.made("PUT|POST", "/_bulk") for line in r.ndjson]
    assert bulk[::2] == [
        {
            "index": {
                "_index": new,
                "_id": str(d.id),
                "version": d.revision,
                "version_type": "external",
            }
        }
        for d in documents
    ]
    assert bulk[1::2] == [index_entry(d) for d in documents]
    (switch,) = fake.made("POST", "/_aliases")
    assert switch.json == {
        "actions": [
            {"remove": {"index": old, "alias": ALIAS}},
            {"add": {"index": new, "alias": ALIAS}},
        ]
    }
    order = [(r.method, r.path) for r in fake.requests]
    assert order.index(("POST", f"/{new}/_refresh")) < order.index(("POST", "/_aliases"))
    assert order[-1] == ("DELETE", f"/{old}")


async def test_a_failed_rebuild_drops_its_new_index_and_keeps_the_alias(fake, index):
    def bulk_fails(request: Recorded) -> tuple[int, Any]:
        items = [
            {"index": {"_id": a["index"]["_id"], "status": 400, "error": {"type": "bad"}}}
            for a in request.ndjson[::2]
        ]
        return 200, {"took": 1, "errors": True, "items": items}

    fake.on("PUT", f"/{ALIAS}-.+", ACKNOWLEDGED)
    fake.on("PUT", "/_bulk", bulk_fails)
    fake.on("POST", "/_bulk", bulk_fails)
    fake.on("DELETE", f"/{ALIAS}-.+", ACKNOWLEDGED)

    async def stream() -> AsyncIterator[StoreDocument]:
        yield document()

    with pytest.raises(BulkIndexError):
        await index.rebuild(stream())

    (created,) = fake.made("PUT", f"/{ALIAS}-.+")
    (deleted,) = fake.made("DELETE", ".*")
    assert deleted.path == created.path
    assert not fake.made("POST", "/_aliases")


async def test_readiness_is_one_head_request_when_the_alias_exists(fake, index):
    fake.on("HEAD", f"/_alias/{ALIAS}", (200, None))

    await index.ready()

    assert [(r.method, r.path) for r in fake.requests] == [("HEAD", f"/_alias/{ALIAS}")]
