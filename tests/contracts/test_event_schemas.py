"""docs/api/events: one JSON Schema per event type, as the code generates it, and an example
event per type that satisfies it."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from dev.apicontracts.generate import (
    EVENT_DOCS,
    EXAMPLES,
    INDEX_FILE,
    REGENERATE,
    ROOT,
    aggregate_events,
    canonical_json,
    committed_event_schema,
    diff_excerpt,
    event_contracts,
    event_documents,
    event_errors,
    openapi_documents,
    topic_matches,
)

CONTRACTS = event_contracts()
BY_KEY = {contract.routing_key: contract for contract in CONTRACTS}

# The Events and Offerings contracts in ARCHITECTURE.md.
CONTRACTED_ROUTING_KEYS = {
    "characteristic.created",
    "characteristic.updated",
    "characteristic.deleted",
    "specification.created",
    "specification.updated",
    "specification.deleted",
    "price.created",
    "price.updated",
    "price.deleted",
    "price.locked",
    "price.unlocked",
    "offering.created",
    "offering.updated",
    "offering.deleted",
    "offering.publication_initiated",
    "offering.published",
    "offering.publication_failed",
    "offering.retired",
}


def example(routing_key: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EXAMPLES / f"{routing_key}.json").read_text())
    return loaded


def test_every_contracted_event_type_has_a_schema() -> None:
    assert set(BY_KEY) == CONTRACTED_ROUTING_KEYS


@pytest.mark.parametrize("name", sorted(event_documents()))
def test_the_committed_schema_is_what_the_code_generates(name: str) -> None:
    path = EVENT_DOCS / name
    relative = path.relative_to(ROOT)
    assert path.is_file(), f"{relative} is missing: {REGENERATE}"

    committed = canonical_json(json.loads(path.read_text()))
    generated = canonical_json(event_documents()[name])

    if committed != generated:
        pytest.fail(
            f"{relative} is stale: the code generates a different schema; {REGENERATE}.\n"
            f"{diff_excerpt(committed, generated, str(relative))}",
            pytrace=False,
        )


@pytest.mark.parametrize("routing_key", sorted(BY_KEY))
def test_the_example_satisfies_the_committed_schema(routing_key: str) -> None:
    errors = event_errors(committed_event_schema(routing_key), example(routing_key))

    assert not errors, f"examples/{routing_key}.json: {errors}"


def test_there_is_an_example_per_event_type_and_no_other() -> None:
    examples = {path.name.removesuffix(".json") for path in EXAMPLES.glob("*.json")}

    assert examples == set(BY_KEY)


def test_the_index_lists_every_event_with_its_files_and_consumers() -> None:
    index = json.loads((EVENT_DOCS / INDEX_FILE).read_text())
    listed = {entry["routingKey"]: entry for entry in index["events"]}

    assert set(listed) == set(BY_KEY)
    for routing_key, entry in listed.items():
        assert (EVENT_DOCS / entry["schema"]).is_file()
        assert (EVENT_DOCS / entry["example"]).is_file()
        assert entry["type"] == BY_KEY[routing_key].event_type
    consumed_by = {key: {c["queue"] for c in entry["consumers"]} for key, entry in listed.items()}
    assert consumed_by["characteristic.updated"] == {
        "specification.characteristics",
        "store.characteristics",
    }
    assert consumed_by["price.locked"] == {"offering.prices", "store.prices"}
    assert consumed_by["offering.retired"] == {
        "specification.offerings",
        "pricing.offerings",
        "store.offerings",
    }


# -- the schemas have teeth -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("routing_key", "spoil", "complaint"),
    [
        ("price.locked", lambda e: e["data"].pop("lockedBySagaId"), "'lockedBySagaId' is a"),
        ("price.locked", lambda e: e["data"].update(extra=1), "Additional properties"),
        ("price.locked", lambda e: e["data"].update(currency="GBP"), "'GBP' is not one of"),
        ("price.locked", lambda e: e.update(type="PriceUnlocked"), "'PriceLocked' was expected"),
        ("price.locked", lambda e: e.update(source="/catalog/offering"), "was expected"),
        ("price.locked", lambda e: e.pop("specversion"), "'specversion' is a required"),
        ("offering.published", lambda e: e["data"].update(version="4"), "'4' is not of type"),
        ("offering.published", lambda e: e["data"].update(lifecycleStatus="LIVE"), "'LIVE'"),
        ("offering.published", lambda e: e.update(time="yesterday"), "is not a 'date-time'"),
        ("characteristic.created", lambda e: e.update(subject="c-1"), "is not a 'uuid'"),
    ],
)
def test_a_spoilt_example_is_refused(routing_key: str, spoil: Any, complaint: str) -> None:
    event = copy.deepcopy(example(routing_key))
    spoil(event)

    errors = event_errors(committed_event_schema(routing_key), event)

    assert any(complaint in error for error in errors), errors


def test_an_event_without_correlation_id_or_with_an_extension_is_accepted() -> None:
    event = copy.deepcopy(example("specification.updated"))
    event.pop("correlationid")
    event["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    assert event_errors(committed_event_schema("specification.updated"), event) == []


@pytest.mark.parametrize(
    ("binding", "routing_key", "matches"),
    [
        ("offering.*", "offering.publication_failed", True),
        ("offering.*", "offering", False),
        ("offering.*", "price.created", False),
        ("#", "price.created", True),
        ("price.#", "price", True),
        ("*.created", "price.created", True),
        ("price.created", "price.created", True),
    ],
)
def test_topic_matching(binding: str, routing_key: str, matches: bool) -> None:
    assert topic_matches(binding, routing_key) is matches


def test_the_data_is_described_as_the_body_of_a_route_that_exists() -> None:
    for events in aggregate_events():
        paths = openapi_documents()[events.producer]["paths"]

        assert "get" in paths.get(events.resource_path, {}), events.resource_path
