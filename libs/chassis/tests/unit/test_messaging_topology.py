"""Consumer queues are durable, bound to catalog.events, and dead-letter to their own DLQ."""

from __future__ import annotations

import pytest
from faststream.rabbit import ExchangeType

from catalog_chassis.messaging import (
    DEAD_LETTER_EXCHANGE_NAME,
    EVENTS_EXCHANGE,
    consumer_queue,
)


def test_the_events_exchange_is_a_durable_topic_exchange() -> None:
    assert EVENTS_EXCHANGE.name == "catalog.events"
    assert EVENTS_EXCHANGE.type is ExchangeType.TOPIC
    assert EVENTS_EXCHANGE.durable


def test_a_consumer_queue_dead_letters_to_its_own_dlq() -> None:
    consumer = consumer_queue("store.offerings", ["offering.*", "price.updated"])

    assert consumer.queue.name == "store.offerings"
    assert consumer.queue.durable
    assert consumer.queue.routing_key == "offering.*"
    assert consumer.binding_keys == ("offering.*", "price.updated")
    assert consumer.queue.arguments is not None
    assert consumer.queue.arguments["x-dead-letter-exchange"] == DEAD_LETTER_EXCHANGE_NAME
    assert consumer.queue.arguments["x-dead-letter-routing-key"] == "store.offerings"
    assert consumer.dead_letter_queue.name == "store.offerings.dlq"
    assert consumer.dead_letter_queue.durable
    assert consumer.dead_letter_queue.routing_key == "store.offerings"


def test_a_consumer_queue_needs_a_binding_key() -> None:
    with pytest.raises(ValueError):
        consumer_queue("store.offerings", [])
