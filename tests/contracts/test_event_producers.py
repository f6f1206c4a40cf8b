"""Each service's events, built the way its outbox builds them (aggregate →
``collect_events()`` → ``outbox_row``, whose payload is the published body), satisfy the
committed schema of their type in docs/api/events."""

from __future__ import annotations

import inspect
import json
import re
import sys
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from catalog_chassis.context import reset_correlation_id, set_correlation_id
from catalog_chassis.domain import DomainEvent
from catalog_chassis.outbox import outbox_row
from characteristic_service.domain.model import Characteristic
from dev.apicontracts.generate import (
    EVENT_DOCS,
    REGENERATE,
    AggregateEvents,
    aggregate_events,
    event_contracts,
    event_errors,
    event_schema,
)
from offering_service.domain.model import Offering, OfferingContent
from pricing_service.domain.model import Price, PriceTerms
from specification_service.domain.model import Specification, SpecificationContent


def characteristic_events() -> list[DomainEvent]:
    characteristic = Characteristic.create(
        name="Download speed", value="100", unit_of_measure="Mbps"
    )
    characteristic.update(name="Download speed", value="250", unit_of_measure="Mbps")
    characteristic.delete()
    return characteristic.collect_events()


def specification_events() -> list[DomainEvent]:
    def content(description: str | None) -> SpecificationContent:
        return SpecificationContent.validated(
            name="Fibre 100 home", description=description, characteristic_ids=[uuid.uuid4()]
        )

    specification = Specification.create(content(None))
    specification.update(content("Symmetric fibre"))
    specification.delete()
    return specification.collect_events()


def price_events() -> list[DomainEvent]:
    def terms(value: str) -> PriceTerms:
        return PriceTerms.parse(name="Fibre monthly", value=value, unit="per month", currency="EUR")

    saga = uuid.uuid4()
    price = Price.create(terms("19.99"))
    price.update(terms("24.90"))
    price.lock(saga)
    price.unlock(saga)
    price.delete()
    return price.collect_events()


def offering_events() -> list[DomainEvent]:
    def content(channels: list[str]) -> OfferingContent:
        return OfferingContent.validated(
            name="Fibre bundle",
            description=None,
            specification_ids=[uuid.uuid4()],
            price_ids=[uuid.uuid4()],
            sales_channels=channels,
        )

    published, failed = Offering.create(content(["ONLINE"])), Offering.create(content(["ONLINE"]))
    published.update(content(["ONLINE", "PARTNER"]))
    first, second = uuid.uuid4(), uuid.uuid4()
    published.start_publication(first)
    published.confirm_publication(first)
    published.retire()
    failed.start_publication(second)
    failed.fail_publication(second, "A price is locked by another publication.")
    failed.delete()
    return published.collect_events() + failed.collect_events()


DRIVERS: dict[str, Callable[[], list[DomainEvent]]] = {
    "characteristic": characteristic_events,
    "specification": specification_events,
    "pricing": price_events,
    "offering": offering_events,
}
PRODUCERS = {events.producer: events for events in aggregate_events()}


def published(producer: str, *, correlation_id: str | None = "corr-1") -> list[dict[str, Any]]:
    """The outbox rows of the producer's events; their payload as the relay sends it."""
    token = set_correlation_id(correlation_id)
    try:
        rows = [outbox_row(event, service=producer) for event in DRIVERS[producer]()]
    finally:
        reset_correlation_id(token)
    for row in rows:
        row["payload"] = json.loads(json.dumps(row["payload"]))
    return rows


def committed_schema(routing_key: str) -> dict[str, Any]:
    path = EVENT_DOCS / f"{routing_key}.schema.json"
    assert path.is_file(), f"no committed schema for {routing_key} ({path.name}): {REGENERATE}"
    schema: dict[str, Any] = json.loads(path.read_text())
    return schema


def test_every_producer_is_driven() -> None:
    assert set(DRIVERS) == set(PRODUCERS)


@pytest.mark.parametrize("producer", sorted(DRIVERS))
def test_the_service_publishes_every_event_type_of_its_contract(producer: str) -> None:
    declared = {c.routing_key: c.event_type for c in event_contracts() if c.producer == producer}

    produced = {row["routing_key"]: row["payload"]["type"] for row in published(producer)}

    assert produced == declared


@pytest.mark.parametrize("producer", sorted(DRIVERS))
def test_every_event_satisfies_its_committed_schema(producer: str) -> None:
    for correlation_id in ("corr-1", None):
        for row in published(producer, correlation_id=correlation_id):
            errors = event_errors(committed_schema(row["routing_key"]), row["payload"])

            assert not errors, f"{row['routing_key']} as {producer} publishes it: {errors}"


@pytest.mark.parametrize("producer", sorted(DRIVERS))
def test_the_event_data_is_the_snapshot_the_api_returns(producer: str) -> None:
    """Against the schema the code generates now: the aggregate's snapshot() and its *Public
    response model must describe the same JSON (even before docs/api is regenerated)."""
    contracts = {c.routing_key: c for c in event_contracts()}
    for row in published(producer):
        contract = contracts[row["routing_key"]]
        errors = event_errors(event_schema(contract), row["payload"])

        assert not errors, (
            f"{row['routing_key']}: {contract.snapshot_model.__name__} and "
            f"{PRODUCERS[producer].aggregate.__name__}.snapshot() differ: {errors}"
        )


@pytest.mark.parametrize("producer", sorted(DRIVERS))
def test_every_change_the_aggregate_records_has_a_contract(producer: str) -> None:
    events: AggregateEvents = PRODUCERS[producer]
    source = inspect.getsource(sys.modules[events.aggregate.__module__])

    recorded = set(re.findall(r"record_change\(\s*\"(\w+)\"", source))
    if "record_created()" in source:
        recorded.add("created")

    missing = recorded - set(events.actions)
    assert not missing, (
        f"{events.aggregate.__name__} records {sorted(missing)} without a contract: add them "
        "to dev/apicontracts/generate.py (aggregate_events) and run `make api-docs`"
    )
