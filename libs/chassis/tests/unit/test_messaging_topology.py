"""Consumer queues are quorum queues bound to catalog.events, with a delivery limit, a delay
queue per retry delay that routes back to the consumer alone, and a DLQ of their own."""

from __future__ import annotations

import pytest
from faststream.rabbit import ExchangeType

from catalog_chassis.messaging import (
    DEAD_LETTER_EXCHANGE_NAME,
    EVENTS_EXCHANGE,
    EVENTS_EXCHANGE_NAME,
    RETRY_EXCHANGE,
    RETRY_EXCHANGE_NAME,
    RetrySchedule,
    consumer_queue,
)


def test_the_events_exchange_is_a_durable_topic_exchange() -> None:
    assert EVENTS_EXCHANGE.name == "catalog.events"
    assert EVENTS_EXCHANGE.type is ExchangeType.TOPIC
    assert EVENTS_EXCHANGE.durable


def test_the_retry_exchange_routes_by_consumer_name() -> None:
    assert RETRY_EXCHANGE.name == "catalog.events.retry"
    assert RETRY_EXCHANGE.type is ExchangeType.DIRECT
    assert RETRY_EXCHANGE.durable


def test_a_consumer_queue_is_a_quorum_queue_with_a_delivery_limit_and_its_own_dlq() -> None:
    consumer = consumer_queue("store.offerings", ["offering.*", "price.updated"])

    assert consumer.queue.name == "store.offerings.v2"
    assert consumer.queue.durable
    assert consumer.queue.routing_key == "offering.*"
    assert consumer.binding_keys == ("offering.*", "price.updated")
    assert consumer.queue.arguments == {
        "x-queue-type": "quorum",
        "x-delivery-limit": 10,
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE_NAME,
        "x-dead-letter-routing-key": "store.offerings",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }
    assert consumer.dead_letter_queue.name == "store.offerings.v2.dlq"
    assert consumer.dead_letter_queue.durable
    assert consumer.dead_letter_queue.arguments == {"x-queue-type": "quorum"}
    assert consumer.dead_letter_queue.routing_key == "store.offerings"


def test_each_distinct_retry_delay_is_a_delay_queue_back_to_the_consumer() -> None:
    consumer = consumer_queue(
        "store.offerings", ["offering.*"], retry=RetrySchedule((0.5, 5, 120, 120))
    )

    assert [queue.name for queue in consumer.retry_queues.values()] == [
        "store.offerings.retry.500ms",
        "store.offerings.retry.5s",
        "store.offerings.retry.2m",
    ]
    delay_queue = consumer.retry_queue(120)
    assert delay_queue.arguments == {
        "x-queue-type": "quorum",
        "x-message-ttl": 120_000,
        "x-dead-letter-exchange": RETRY_EXCHANGE_NAME,
        "x-dead-letter-routing-key": "store.offerings",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }
    assert consumer.queue_names == [
        "store.offerings.v2",
        "store.offerings.v2.dlq",
        "store.offerings.retry.500ms",
        "store.offerings.retry.5s",
        "store.offerings.retry.2m",
    ]


def test_the_classic_queues_of_the_first_topology_migrate_to_the_new_ones() -> None:
    consumer = consumer_queue("store.offerings", ["offering.*", "price.updated"])

    queue, dlq = consumer.legacy_queues
    assert (queue.name, queue.successor) == ("store.offerings", "store.offerings.v2")
    assert (queue.exchange, queue.binding_keys) == (
        EVENTS_EXCHANGE_NAME,
        ("offering.*", "price.updated"),
    )
    assert (dlq.name, dlq.successor) == ("store.offerings.dlq", "store.offerings.v2.dlq")
    assert (dlq.exchange, dlq.binding_keys) == (DEAD_LETTER_EXCHANGE_NAME, ("store.offerings",))


def test_extra_arguments_apply_to_every_queue() -> None:
    consumer = consumer_queue("test.widgets", ["widget.*"], extra_arguments={"x-expires": 1000})

    queues = [consumer.queue, consumer.dead_letter_queue, *consumer.retry_queues.values()]
    assert all(queue.arguments and queue.arguments["x-expires"] == 1000 for queue in queues)


def test_a_consumer_queue_needs_a_binding_key_and_a_positive_delivery_limit() -> None:
    with pytest.raises(ValueError):
        consumer_queue("store.offerings", [])
    with pytest.raises(ValueError):
        consumer_queue("store.offerings", ["offering.*"], delivery_limit=0)
