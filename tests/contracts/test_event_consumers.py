"""Each consumer, fed the example events committed in docs/api/events/examples (not events
its producer's code builds), parsed as its queue subscriber parses them, does what it must:
the example files are the producers' promise, checked against the schemas elsewhere."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from catalog_chassis.messaging import CloudEvent, parse_cloud_event
from catalog_chassis.usages import Referrer, ReferrerEvents, apply_referrer_event
from catalog_testing import InMemoryReferenceCache, InMemoryReferenceUsages
from characteristic_service.application.usage_updates import apply_specification_event
from characteristic_service.domain.usages import SPECIFICATION_USAGE_EVENTS
from dev.apicontracts.generate import EXAMPLES, consumer_queues, topic_matches
from offering_service.application.references import PRICE_FEED, SPECIFICATION_FEED
from pricing_service.domain.offerings import OFFERING_USAGE_EVENTS as PRICING_OFFERING_EVENTS
from specification_service.application.cache_updates import apply_characteristic_event
from specification_service.domain.offerings import (
    OFFERING_USAGE_EVENTS as SPECIFICATION_OFFERING_EVENTS,
)
from store_service.application.projection import Projection
from store_service.domain.documents import Component, Kind

QUEUES = {queue.name: queue for queues in consumer_queues().values() for queue in queues}

# The routing keys each consumer's tests below feed it: every key its queue is bound to.
FED = {
    "specification.characteristics": [
        "characteristic.created",
        "characteristic.updated",
        "characteristic.deleted",
    ],
    "specification.offerings": [
        "offering.created",
        "offering.updated",
        "offering.publication_initiated",
        "offering.published",
        "offering.publication_failed",
        "offering.retired",
        "offering.deleted",
    ],
    "characteristic.specifications": [
        "specification.created",
        "specification.updated",
        "specification.deleted",
    ],
    "pricing.offerings": [
        "offering.created",
        "offering.updated",
        "offering.publication_initiated",
        "offering.published",
        "offering.publication_failed",
        "offering.retired",
        "offering.deleted",
    ],
    "offering.specifications": [
        "specification.created",
        "specification.updated",
        "specification.deleted",
    ],
    "offering.prices": [
        "price.created",
        "price.updated",
        "price.locked",
        "price.unlocked",
        "price.deleted",
    ],
}


# The store follows every event of every aggregate it composes.
for _kind, _keys in (
    ("characteristic", ("created", "updated", "deleted")),
    ("specification", ("created", "updated", "deleted")),
    ("price", ("created", "updated", "locked", "unlocked", "deleted")),
    (
        "offering",
        (
            "created",
            "updated",
            "publication_initiated",
            "published",
            "publication_failed",
            "retired",
            "deleted",
        ),
    ),
):
    FED[f"store.{_kind}s"] = [f"{_kind}.{action}" for action in _keys]


def example(routing_key: str) -> CloudEvent:
    """The example message, parsed as every consumer's subscriber parses a message body."""
    return parse_cloud_event((EXAMPLES / f"{routing_key}.json").read_bytes())


def test_every_consumer_queue_is_fed_every_example_it_is_bound_to() -> None:
    assert set(FED) == set(QUEUES)
    examples = sorted(path.name.removesuffix(".json") for path in EXAMPLES.glob("*.json"))
    for name, queue in QUEUES.items():
        bound = [key for key in examples if any(topic_matches(b, key) for b in queue.binding_keys)]
        assert sorted(FED[name]) == bound, name


# -- caches: specification ← characteristic.*, offering ← specification.*, price.* -----------


async def test_specification_caches_characteristics_from_their_events() -> None:
    cache = InMemoryReferenceCache()
    for routing_key in ("characteristic.created", "characteristic.updated"):
        event = example(routing_key)
        await apply_characteristic_event(cache, event.type, event.data)

        cached = cache.cached[uuid.UUID(event.subject)]
        assert (cached.name, cached.value, cached.unit_of_measure, cached.version) == (
            event.data["name"],
            event.data["value"],
            event.data["unitOfMeasure"],
            event.data["version"],
        )

    deleted = example("characteristic.deleted")
    await apply_characteristic_event(cache, deleted.type, deleted.data)

    assert cache.cached == {}
    assert cache.tombstones == {uuid.UUID(deleted.subject): deleted.data["version"]}


@pytest.mark.parametrize(
    ("feed_name", "kept", "gone"),
    [
        (
            "specifications",
            ["specification.created", "specification.updated"],
            "specification.deleted",
        ),
        (
            "prices",
            ["price.created", "price.updated", "price.locked", "price.unlocked"],
            "price.deleted",
        ),
    ],
)
async def test_offering_caches_specifications_and_prices_from_their_events(
    feed_name: str, kept: list[str], gone: str
) -> None:
    feed = SPECIFICATION_FEED if feed_name == "specifications" else PRICE_FEED
    cache = InMemoryReferenceCache()
    for routing_key in kept:
        event = example(routing_key)
        await feed.apply(cache, event.type, event.data)

        cached = cache.cached[uuid.UUID(event.subject)]
        assert (cached.name, cached.version) == (event.data["name"], event.data["version"])

    deleted = example(gone)
    await feed.apply(cache, deleted.type, deleted.data)

    assert cache.cached == {}
    assert cache.tombstones == {uuid.UUID(deleted.subject): deleted.data["version"]}


# -- usages: characteristic ← specification.*, specification and pricing ← offering.* --------

UsageHandler = Callable[[InMemoryReferenceUsages, CloudEvent], Awaitable[Any]]


def referrer_handler(events: ReferrerEvents) -> UsageHandler:
    async def handle(usages: InMemoryReferenceUsages, event: CloudEvent) -> Any:
        return await apply_referrer_event(usages, events, event.type, event.data)

    return handle


async def characteristic_handler(usages: InMemoryReferenceUsages, event: CloudEvent) -> Any:
    return await apply_specification_event(usages, event.type, event.data)


async def test_characteristic_learns_which_specifications_use_it() -> None:
    usages = InMemoryReferenceUsages()
    for routing_key in ("specification.created", "specification.updated"):
        event = example(routing_key)
        await characteristic_handler(usages, event)

        used = uuid.UUID(event.data[SPECIFICATION_USAGE_EVENTS.ids_field][0])
        assert await usages.referrers_of(used) == [
            Referrer(id=uuid.UUID(event.subject), name=event.data["name"])
        ]

    deleted = example("specification.deleted")
    await characteristic_handler(usages, deleted)

    used = uuid.UUID(deleted.data[SPECIFICATION_USAGE_EVENTS.ids_field][0])
    assert await usages.referrers_of(used) == []
    assert usages.versions[uuid.UUID(deleted.subject)] == deleted.data["version"]


@pytest.mark.parametrize(
    ("ids_field", "events"),
    [
        ("specificationIds", SPECIFICATION_OFFERING_EVENTS),  # the specification service
        ("priceIds", PRICING_OFFERING_EVENTS),  # the pricing service
    ],
)
async def test_specification_and_pricing_learn_which_offerings_use_them(
    ids_field: str, events: ReferrerEvents
) -> None:
    handle = referrer_handler(events)
    usages = InMemoryReferenceUsages()
    in_use = (
        "offering.created",
        "offering.updated",
        "offering.publication_initiated",
        "offering.published",
    )
    for routing_key in in_use:
        event = example(routing_key)
        assert await handle(usages, event), routing_key

        used = uuid.UUID(event.data[ids_field][0])
        assert await usages.referrers_of(used) == [
            Referrer(id=uuid.UUID(event.subject), name=event.data["name"])
        ], routing_key

    retired = example("offering.retired")
    assert await handle(usages, retired)
    assert await usages.referrers_of(uuid.UUID(retired.data[ids_field][0])) == []

    # Another offering: its publication failed (a draft again, still using them), then deleted.
    failed = example("offering.publication_failed")
    assert await handle(usages, failed)
    used = uuid.UUID(failed.data[ids_field][0])
    assert await usages.referrers_of(used) == [
        Referrer(id=uuid.UUID(failed.subject), name=failed.data["name"])
    ]

    deleted = example("offering.deleted")
    assert await handle(usages, deleted)
    assert await usages.referrers_of(used) == []


async def test_a_repeated_example_changes_nothing_the_second_time() -> None:
    usages = InMemoryReferenceUsages()
    handle = referrer_handler(SPECIFICATION_OFFERING_EVENTS)
    event = example("offering.updated")

    assert await handle(usages, event)
    assert not await handle(usages, event)


# -- the store: every example becomes the newest copy of its aggregate ----------------------


class _StoreComponents:
    def __init__(self) -> None:
        self.held: dict[tuple[Kind, uuid.UUID], Component] = {}

    async def store(self, component: Component) -> bool:
        current = self.held.get((component.kind, component.id))
        if current is not None and current.version >= component.version:
            return False
        self.held[(component.kind, component.id)] = component
        return True

    async def get(self, kind: Kind, ids: Any) -> dict[uuid.UUID, Component]:
        return {i: self.held[(kind, i)] for i in ids if (kind, i) in self.held}


class _NoDocuments:
    async def using(self, kind: Kind, component_id: uuid.UUID) -> list[uuid.UUID]:
        return []

    async def revision(self, offering_id: uuid.UUID) -> None:
        return None


class _Catalog:
    """The owners know nothing of the examples' parts: they count as deleted."""

    async def fetch(self, kind: Kind, component_id: uuid.UUID) -> None:
        return None


class _Index:
    def __init__(self) -> None:
        self.put_ids: list[str] = []

    async def put(self, document: Any) -> None:
        self.put_ids.append(str(document.id))


class _Staging:
    """No saga has entered anything in the store."""

    async def stage(self, offering_id: uuid.UUID, saga_id: uuid.UUID) -> None: ...

    async def unstage(self, offering_id: uuid.UUID, saga_id: uuid.UUID) -> None: ...

    async def holds(self, offering_id: uuid.UUID, saga_id: uuid.UUID) -> bool:
        return False

    async def clear(self, offering_id: uuid.UUID) -> None: ...


class _Documents(_NoDocuments):
    async def replace(self, document: Any, *, expected_revision: int | None) -> Any:
        return document


@pytest.mark.parametrize(
    "routing_key", [key for name, keys in FED.items() if name.startswith("store.") for key in keys]
)
async def test_the_store_takes_every_example_as_the_newest_copy_of_its_aggregate(
    routing_key: str,
) -> None:
    components, index = _StoreComponents(), _Index()
    projection = Projection(
        components=components,  # type: ignore[arg-type]
        documents=_Documents(),  # type: ignore[arg-type]
        index=index,  # type: ignore[arg-type]
        catalog=_Catalog(),  # type: ignore[arg-type]
        staging=_Staging(),
    )
    event = example(routing_key)

    assert await projection.apply(event.type, event.data) is True

    kind = Kind(routing_key.split(".")[0])
    held = components.held[(kind, uuid.UUID(event.subject))]
    assert held.version == event.data["version"]
    assert held.deleted == routing_key.endswith(".deleted")
    # A published offering's document is composed and indexed (its parts unknown: empty).
    assert index.put_ids == ([event.subject] if routing_key == "offering.published" else [])
