"""The engine-neutral search requests: mapping, entries, query bodies and answers."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from store_service.application.search import SearchQuery, Sort, UnitRange
from store_service.domain.documents import StoreDocument
from store_service.infrastructure.search.query import (
    UNIT_FACET_SIZE,
    alias_switch,
    bulk_action,
    index_entry,
    index_mapping,
    new_index_name,
    parse_response,
    search_body,
    unit_bound_keys,
    units_truncated,
)


def document(**overrides: Any) -> StoreDocument:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "name": "Fibre Home 500",
        "description": "Fast broadband for families",
        "salesChannels": ["web", "retail"],
        "publishedAt": "2026-01-02T03:04:05Z",
        "version": 3,
        "specifications": [
            {
                "id": str(uuid.uuid4()),
                "name": "Broadband line",
                "description": "The line",
                "characteristics": [
                    {"id": "c1", "name": "Technology", "value": "Fibre", "unitOfMeasure": None},
                    {"id": "c2", "name": "Download", "value": "500", "unitOfMeasure": "Mbps"},
                ],
            },
            {
                "id": str(uuid.uuid4()),
                "name": "Router",
                "description": None,
                "characteristics": [
                    {"id": "c2", "name": "Download", "value": "500", "unitOfMeasure": "Mbps"},
                ],
            },
        ],
        "prices": [
            {"id": "p1", "name": "Monthly", "value": "29.99", "unit": "month", "currency": "EUR"},
            {"id": "p2", "name": "Setup", "value": "n/a", "unit": None, "currency": "EUR"},
        ],
    }
    body.update(overrides)
    return StoreDocument(body=body)


# ---------------------------------------------------------------------------------------------
# Mapping and entries


def test_the_mapping_analyses_text_in_english_and_nests_characteristics_and_prices():
    mapping = index_mapping()
    settings, properties = mapping["settings"], mapping["mappings"]["properties"]
    assert settings["number_of_shards"] == 1
    assert settings["number_of_replicas"] == 0
    for text_field in ("name", "description", "text"):
        assert properties[text_field]["type"] == "text"
        assert properties[text_field]["analyzer"] == "english"
    assert properties["name"]["copy_to"] == "text"
    assert properties["description"]["copy_to"] == "text"
    assert properties["name"]["fields"]["keyword"]["type"] == "keyword"
    characteristics = properties["characteristics"]
    assert characteristics["type"] == "nested"
    assert {k: v["type"] for k, v in characteristics["properties"].items()} == {
        "name": "keyword",
        "value": "keyword",
        "unitOfMeasure": "keyword",
        "numericValue": "double",
    }
    prices = properties["prices"]
    assert prices["type"] == "nested"
    assert prices["properties"]["value"]["type"] == "double"
    assert prices["properties"]["currency"]["type"] == "keyword"
    assert properties["salesChannels"]["type"] == "keyword"
    assert properties["publishedAt"]["type"] == "date"
    assert properties["document"] == {"type": "object", "enabled": False}


def test_facet_keywords_build_their_global_ordinals_at_refresh():
    properties = index_mapping()["mappings"]["properties"]
    for facet in ("salesChannels", "characteristicFacets", "unitBounds"):
        assert properties[facet] == {"type": "keyword", "eager_global_ordinals": True}


def test_an_entry_holds_the_contract_body_and_its_searchable_fields():
    doc = document()
    entry = index_entry(doc)
    assert entry["document"] == doc.body
    assert entry["id"] == doc.body["id"]
    assert set(entry) <= set(index_mapping()["mappings"]["properties"])  # dynamic: strict
    assert entry["text"] == ["Broadband line", "Technology", "Fibre", "Download", "500", "Router"]
    # One nested object per distinct characteristic; a number only where the value is one.
    assert entry["characteristics"] == [
        {"name": "Technology", "value": "Fibre", "unitOfMeasure": None},
        {"name": "Download", "value": "500", "unitOfMeasure": "Mbps", "numericValue": 500.0},
    ]
    # Decimal strings become numbers; a price that is not a number is not searchable.
    assert entry["prices"] == [{"value": 29.99, "currency": "EUR", "unit": "month"}]
    assert entry["salesChannels"] == ["web", "retail"]
    assert entry["unitBounds"] == ["Mbps\u001f500.0"]


def test_an_entry_of_a_bare_document():
    entry = index_entry(document(specifications=[], prices=[], salesChannels=None))
    assert entry["characteristics"] == [] and entry["prices"] == [] and entry["text"] == []
    assert entry["salesChannels"] == []
    assert entry["unitBounds"] == []


def _characteristic(name: str, value: str, unit: str | None) -> dict[str, Any]:
    return {"id": name, "name": name, "value": value, "unitOfMeasure": unit}


def test_unit_bound_keys_are_the_least_and_greatest_value_per_unit():
    spec = {
        "id": "s",
        "name": "Line",
        "description": None,
        "characteristics": [
            _characteristic("Download", "1000", "Mbps"),
            _characteristic("Upload", "50", "Mbps"),
            _characteristic("Backup upload", "100", "Mbps"),  # between: no key of its own
            _characteristic("Data", "20", "GB"),  # one value: least and greatest, one key
            _characteristic("Screen", "14.7", "cm"),
            _characteristic("Technology", "Fibre", None),  # no number
            _characteristic("Ports", "4", None),  # a number without a unit
            _characteristic("Colour", "Black", "None"),  # a unit without a number
            _characteristic("Weird", "12", "x" * 257),  # too long for the nested keyword
        ],
    }
    entry = index_entry(document(specifications=[spec]))
    assert entry["unitBounds"] == [
        "GB\u001f20.0",
        "Mbps\u001f1000.0",
        "Mbps\u001f50.0",
        "cm\u001f14.7",
    ]


def test_unit_bound_keys_read_back_as_the_same_doubles():
    values = [0.1, 1e-300, 123456789.123456789, -0.5, 2.0**60, 99.95]
    keys = unit_bound_keys([{"unitOfMeasure": "u", "numericValue": value} for value in values])
    assert {float(key.split("\u001f")[1]) for key in keys} == {-0.5, 2.0**60}


# ---------------------------------------------------------------------------------------------
# Queries


def _filters(body: dict[str, Any]) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = body["query"]["bool"].get("filter", [])
    return filters


def test_no_parameters_match_everything_newest_first_with_every_facet():
    body = search_body(SearchQuery())
    assert body["query"] == {"match_all": {}}
    assert body["sort"] == [
        {"publishedAt": {"order": "desc", "missing": "_last"}},
        {"id": {"order": "asc"}},
    ]
    assert body["from"] == 0 and body["size"] == 20
    assert body["track_total_hits"] is True
    assert body["_source"] == ["document"]
    assert set(body["aggs"]) == {"characteristics", "units", "salesChannels", "price"}
    assert "post_filter" not in body  # facets count the whole result set


def test_text_is_a_fuzzy_multi_match_sorted_by_relevance():
    body = search_body(SearchQuery(text="  fibre gigabit "))
    (match,) = body["query"]["bool"]["must"]
    assert match["multi_match"]["query"] == "fibre gigabit"
    assert match["multi_match"]["fields"] == ["name^3", "description^2", "text"]
    assert match["multi_match"]["fuzziness"] == "AUTO"
    assert match["multi_match"]["operator"] == "and"
    assert body["sort"][0] == "_score"
    assert body["sort"][1] == {"id": {"order": "asc"}}


def test_blank_text_is_no_text():
    assert search_body(SearchQuery(text="   "))["query"] == {"match_all": {}}


def test_a_price_range_with_a_currency_is_one_nested_query():
    body = search_body(
        SearchQuery(min_price=Decimal("10"), max_price=Decimal("30.5"), currency="EUR")
    )
    (price,) = _filters(body)
    assert price["nested"]["path"] == "prices"
    conditions = price["nested"]["query"]["bool"]["filter"]
    assert {"range": {"prices.value": {"gte": 10.0, "lte": 30.5}}} in conditions
    assert {"term": {"prices.currency": "EUR"}} in conditions


def test_an_open_price_range():
    (price,) = _filters(search_body(SearchQuery(min_price=Decimal("5"))))
    assert price["nested"]["query"]["bool"]["filter"] == [{"range": {"prices.value": {"gte": 5.0}}}]


def test_channels_match_any():
    (channels,) = _filters(search_body(SearchQuery(channels=("web", "retail"))))
    assert channels == {"terms": {"salesChannels": ["web", "retail"]}}


def test_every_characteristic_is_its_own_nested_query():
    filters = _filters(search_body(SearchQuery(characteristics=("Technology", "Download"))))
    assert filters == [
        {
            "nested": {
                "path": "characteristics",
                "query": {"term": {"characteristics.name": name}},
            }
        }
        for name in ("Technology", "Download")
    ]


def test_a_unit_range_needs_one_characteristic_in_that_unit_within_it():
    filters = _filters(
        search_body(
            SearchQuery(
                unit_ranges=(
                    UnitRange(unit="Mbps", minimum=100),
                    UnitRange(unit="GB", minimum=1, maximum=50),
                    UnitRange(unit="ms"),
                )
            )
        )
    )
    assert [f["nested"]["path"] for f in filters] == ["characteristics"] * 3
    conditions = [f["nested"]["query"]["bool"]["filter"] for f in filters]
    assert conditions[0] == [
        {"term": {"characteristics.unitOfMeasure": "Mbps"}},
        {"range": {"characteristics.numericValue": {"gte": 100.0}}},
    ]
    assert conditions[1][1] == {"range": {"characteristics.numericValue": {"gte": 1.0, "lte": 50}}}
    assert conditions[2][1] == {"exists": {"field": "characteristics.numericValue"}}


def test_filters_combine_with_text():
    body = search_body(SearchQuery(text="fibre", channels=("web",), characteristics=("Speed",)))
    assert len(body["query"]["bool"]["must"]) == 1
    assert len(_filters(body)) == 2


def test_price_sort_uses_the_cheapest_price_ascending_and_the_dearest_descending():
    ascending = search_body(SearchQuery(sort=Sort.parse("price")))["sort"]
    descending = search_body(SearchQuery(sort=Sort.parse("-price")))["sort"]
    assert ascending[0]["prices.value"]["order"] == "asc"
    assert ascending[0]["prices.value"]["mode"] == "min"
    assert ascending[0]["prices.value"]["nested"] == {"path": "prices"}
    assert descending[0]["prices.value"]["order"] == "desc"
    assert descending[0]["prices.value"]["mode"] == "max"
    assert ascending[1] == descending[1] == {"id": {"order": "asc"}}


def test_price_sort_only_looks_at_the_prices_the_filter_accepts():
    body = search_body(
        SearchQuery(sort=Sort.parse("price"), currency="USD", max_price=Decimal("50"))
    )
    nested = body["sort"][0]["prices.value"]["nested"]
    assert nested["path"] == "prices"
    assert {"term": {"prices.currency": "USD"}} in nested["filter"]["bool"]["filter"]
    assert {"range": {"prices.value": {"lte": 50.0}}} in nested["filter"]["bool"]["filter"]


def test_name_and_published_sorts():
    assert search_body(SearchQuery(sort=Sort.parse("name")))["sort"][0] == {
        "name.keyword": {"order": "asc", "missing": "_last"}
    }
    assert search_body(SearchQuery(sort=Sort.parse("-name")))["sort"][0] == {
        "name.keyword": {"order": "desc", "missing": "_last"}
    }
    assert search_body(SearchQuery(sort=Sort.parse("publishedAt")))["sort"][0] == {
        "publishedAt": {"order": "asc", "missing": "_last"}
    }


def test_an_explicit_sort_wins_over_relevance():
    sort = search_body(SearchQuery(text="fibre", sort=Sort.parse("-publishedAt")))["sort"]
    assert "_score" not in sort
    assert sort[0] == {"publishedAt": {"order": "desc", "missing": "_last"}}


def test_paging():
    body = search_body(SearchQuery(limit=5, offset=15))
    assert (body["from"], body["size"]) == (15, 5)


def test_facets_count_offerings_and_restrict_price_to_the_currency():
    aggs = search_body(SearchQuery(currency="EUR"))["aggs"]
    # one facet keyword per characteristic of an offering: plain terms count offerings
    assert aggs["characteristics"]["terms"]["field"] == "characteristicFacets"
    # every unit-bound key of the result set, no nested context
    assert aggs["units"] == {
        "terms": {"field": "unitBounds", "size": 2000, "order": {"_key": "asc"}}
    }
    assert aggs["salesChannels"]["terms"]["field"] == "salesChannels"
    price = aggs["price"]
    assert price["nested"] == {"path": "prices"}
    assert price["aggs"]["prices"]["filter"] == {"term": {"prices.currency": "EUR"}}
    assert search_body(SearchQuery())["aggs"]["price"]["aggs"]["prices"]["filter"] == {
        "match_all": {}
    }


def test_the_nested_units_facet_on_request():
    body = search_body(SearchQuery(text="fibre"), nested_units=True)
    assert body == {**search_body(SearchQuery(text="fibre")), "aggs": body["aggs"]}
    units = body["aggs"]["units"]
    assert units["nested"] == {"path": "characteristics"}
    numeric = units["aggs"]["numeric"]
    assert numeric["filter"] == {"exists": {"field": "characteristics.numericValue"}}
    assert numeric["aggs"]["units"]["terms"] == {
        "field": "characteristics.unitOfMeasure",
        "size": UNIT_FACET_SIZE,
        "order": {"_key": "asc"},
    }
    assert set(numeric["aggs"]["units"]["aggs"]) == {"min", "max"}


def test_the_same_query_gives_the_same_body_byte_for_byte():
    """The request cache keys on the body's bytes."""
    query = SearchQuery(text="fibre", channels=("web",), unit_ranges=(UnitRange(unit="GB"),))
    assert json.dumps(search_body(query)) == json.dumps(search_body(SearchQuery(**vars(query))))


# ---------------------------------------------------------------------------------------------
# Answers

RAW: dict[str, Any] = {
    "took": 3,
    "hits": {
        "total": {"value": 42, "relation": "eq"},
        "hits": [
            {"_id": "b", "_score": None, "_source": {"document": {"id": "b", "name": "B"}}},
            {"_id": "a", "_score": None, "_source": {"document": {"id": "a", "name": "A"}}},
        ],
    },
    "aggregations": {
        "characteristics": {
            "buckets": [
                {"key": "Download\u001f500\u001fMbps", "doc_count": 10},
                {"key": "Technology\u001fFibre\u001f", "doc_count": 30},
            ]
        },
        "units": {
            "sum_other_doc_count": 0,
            "buckets": [
                {"key": "GB\u001f20.0", "doc_count": 12},
                {"key": "Mbps\u001f1000.0", "doc_count": 30},
                {"key": "Mbps\u001f250.0", "doc_count": 4},
                {"key": "Mbps\u001f50.0", "doc_count": 9},
            ],
        },
        "salesChannels": {
            "buckets": [{"key": "web", "doc_count": 40}, {"key": "retail", "doc_count": 7}]
        },
        "price": {
            "doc_count": 50,
            "prices": {"doc_count": 45, "min": {"value": 9.99}, "max": {"value": 99.0}},
        },
    },
}


def test_an_answer_becomes_items_total_and_facets():
    result = parse_response(RAW)
    assert result.items == [{"id": "b", "name": "B"}, {"id": "a", "name": "A"}]
    assert result.total == 42
    facets = result.facets
    assert [(f.name, f.value, f.unit_of_measure, f.count) for f in facets.characteristics] == [
        ("Technology", "Fibre", "", 30),
        ("Download", "500", "Mbps", 10),
    ]
    assert [(f.unit_of_measure, f.min, f.max) for f in facets.units] == [
        ("GB", 20.0, 20.0),
        ("Mbps", 50.0, 1000.0),
    ]
    assert [(f.value, f.count) for f in facets.sales_channels] == [("web", 40), ("retail", 7)]
    assert not units_truncated(RAW)
    assert (facets.price.min, facets.price.max) == (9.99, 99.0)


def test_an_empty_answer():
    empty = {
        "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
        "aggregations": {
            "characteristics": {"buckets": []},
            "units": {"sum_other_doc_count": 0, "buckets": []},
            "salesChannels": {"buckets": []},
            "price": {"doc_count": 0, "prices": {"min": {"value": None}, "max": {"value": None}}},
        },
    }
    result = parse_response(empty)
    assert result.items == [] and result.total == 0
    assert result.facets.characteristics == [] and result.facets.units == []
    assert result.facets.sales_channels == []
    assert (result.facets.price.min, result.facets.price.max) == (None, None)


def test_units_are_sorted_and_as_many_as_the_nested_facet_gave():
    buckets = [{"key": f"u{n:03d}\u001f{n}.0", "doc_count": 1} for n in range(150, 0, -1)]
    result = parse_response({"aggregations": {"units": {"buckets": buckets}}})
    units = [f.unit_of_measure for f in result.facets.units]
    assert units == [f"u{n:03d}" for n in range(1, UNIT_FACET_SIZE + 1)]


def test_a_unit_key_splits_at_its_last_separator():
    buckets = [{"key": "odd\u001funit\u001f-2.5", "doc_count": 1}]
    result = parse_response({"aggregations": {"units": {"buckets": buckets}}})
    assert [(f.unit_of_measure, f.min, f.max) for f in result.facets.units] == [
        ("odd\u001funit", -2.5, -2.5)
    ]


def test_left_out_unit_keys_make_the_answer_truncated():
    assert units_truncated(
        {"aggregations": {"units": {"sum_other_doc_count": 3, "buckets": [{"key": "a\u001f1.0"}]}}}
    )
    assert not units_truncated({"aggregations": {"units": {"sum_other_doc_count": 0}}})
    assert not units_truncated({"hits": {"hits": []}})


def test_the_nested_units_answer_is_parsed_too():
    nested = {
        "aggregations": {
            "units": {
                "doc_count": 90,
                "numeric": {
                    "doc_count": 40,
                    "units": {
                        "buckets": [
                            {
                                "key": "Mbps",
                                "doc_count": 40,
                                "min": {"value": 50},
                                "max": {"value": 1e3},
                            }
                        ]
                    },
                },
            }
        }
    }
    result = parse_response(nested)
    assert [(f.unit_of_measure, f.min, f.max) for f in result.facets.units] == [
        ("Mbps", 50.0, 1000.0)
    ]
    assert not units_truncated(nested)


# ---------------------------------------------------------------------------------------------
# Indexes behind the alias


def test_new_indexes_sort_by_creation():
    first, second = new_index_name("store-x"), new_index_name("store-x")
    assert first.startswith("store-x-") and first != second
    assert first < second


def test_the_alias_switch_removes_the_old_indexes_and_adds_the_new_one():
    assert alias_switch("a", ["a-2", "a-1"], "a-3") == [
        {"remove": {"index": "a-1", "alias": "a"}},
        {"remove": {"index": "a-2", "alias": "a"}},
        {"add": {"index": "a-3", "alias": "a"}},
    ]
    assert alias_switch("a", [], "a-1") == [{"add": {"index": "a-1", "alias": "a"}}]


def test_a_bulk_action_indexes_the_entry_by_offering_id():
    doc = StoreDocument(body=document().body, revision=4)
    action = bulk_action("idx", doc)
    assert action["_index"] == "idx" and action["_id"] == doc.body["id"]
    assert (action["_version"], action["_version_type"]) == (4, "external")
    assert action["_source"] == index_entry(doc)
