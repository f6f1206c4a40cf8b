"""The classic queues of the first topology migrate into the quorum queues without losing a
message: at once when nothing consumes them, later when a process of the previous version
still does."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aio_pika
import pytest
from aiormq.exceptions import ChannelNotFoundEntity

from catalog_chassis.messaging import (
    DEAD_LETTER_EXCHANGE_NAME,
    EVENTS_EXCHANGE_NAME,
    CloudEvent,
    ConsumerQueue,
    consumer_queue,
    make_broker,
    subscribe_processing,
)
from catalog_testing import (
    TEST_RETRY_SCHEDULE,
    THROWAWAY_QUEUE_ARGS,
    delete_queues,
    eventually,
    message_count,
    publish_event,
    serving_consumers,
)

pytestmark = pytest.mark.integration


def widget_event(subject: str) -> bytes:
    """An event (body) whose subject names it."""
    return CloudEvent(
        id=uuid.uuid4(),
        source="/catalog/widgets",
        type="WidgetCreated",
        time=datetime.now(UTC),
        subject=subject,
        data={"id": subject, "version": 1},
    ).to_json_bytes()


@pytest.fixture
async def consumer(rabbitmq_url: str) -> AsyncIterator[ConsumerQueue]:
    name = f"test.migration.{uuid.uuid4().hex[:12]}"
    queue = consumer_queue(
        name, [f"test.{name}"], retry=TEST_RETRY_SCHEDULE, extra_arguments=THROWAWAY_QUEUE_ARGS
    )
    yield queue
    await delete_queues(
        rabbitmq_url, [*queue.queue_names, *(legacy.name for legacy in queue.legacy_queues)]
    )


async def declare_first_topology(url: str, consumer: ConsumerQueue) -> None:
    """The consumer's queues as the first topology declared them: classic, the queue bound
    to catalog.events and dead-lettering to its DLQ behind catalog.events.dlx."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        events = await channel.declare_exchange(
            EVENTS_EXCHANGE_NAME, aio_pika.ExchangeType.TOPIC, durable=True
        )
        dead_letters = await channel.declare_exchange(
            DEAD_LETTER_EXCHANGE_NAME, aio_pika.ExchangeType.TOPIC, durable=True
        )
        dlq = await channel.declare_queue(
            f"{consumer.name}.dlq",
            durable=True,
            arguments={"x-queue-type": "classic", **THROWAWAY_QUEUE_ARGS},
        )
        await dlq.bind(dead_letters, routing_key=consumer.name)
        queue = await channel.declare_queue(
            consumer.name,
            durable=True,
            arguments={
                "x-queue-type": "classic",
                "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE_NAME,
                "x-dead-letter-routing-key": consumer.name,
                **THROWAWAY_QUEUE_ARGS,
            },
        )
        for key in consumer.binding_keys:
            await queue.bind(events, routing_key=key)
    finally:
        await connection.close()


async def dead_letter_the_first_way(url: str, consumer: ConsumerQueue, body: bytes) -> None:
    """A message rejected by a consumer of the first topology (RabbitMQ dead-letters it)."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(consumer.name, ensure=False)
        await channel.default_exchange.publish(aio_pika.Message(body), routing_key=consumer.name)
        message = await queue.get(timeout=5)
        assert message is not None
        await message.reject(requeue=False)
    finally:
        await connection.close()


async def exists(url: str, queue: str) -> bool:
    try:
        await message_count(url, queue)
    except ChannelNotFoundEntity:
        return False
    return True


async def test_classic_queues_with_messages_migrate_into_the_new_queues(
    rabbitmq_url: str, consumer: ConsumerQueue
) -> None:
    await declare_first_topology(rabbitmq_url, consumer)
    key = consumer.binding_keys[0]
    dead = widget_event("dead")
    await dead_letter_the_first_way(rabbitmq_url, consumer, dead)
    for n in range(5):
        await publish_event(rabbitmq_url, key, widget_event(f"w-{n}"))
    assert await message_count(rabbitmq_url, consumer.name) == 5
    assert await message_count(rabbitmq_url, f"{consumer.name}.dlq") == 1

    processed: list[str] = []
    broker = make_broker(rabbitmq_url)

    async def process(name: str, event: CloudEvent) -> bool:
        processed.append(event.subject)
        return True

    subscribe_processing(broker, consumer, process)
    async with serving_consumers(broker, [consumer]):
        await publish_event(rabbitmq_url, key, widget_event("after the migration"))

        async def all_processed() -> bool:
            return len(processed) == 6

        await eventually(all_processed)
        assert not await exists(rabbitmq_url, consumer.name)
        assert not await exists(rabbitmq_url, f"{consumer.name}.dlq")

    assert sorted(processed) == sorted([*(f"w-{n}" for n in range(5)), "after the migration"])
    [moved] = [message async for message in _drain(rabbitmq_url, consumer.dead_letter_queue.name)]
    assert moved.body == dead
    # Its history came along.
    assert moved.headers["x-death"][0]["queue"] == consumer.name  # type: ignore[index]


async def test_a_classic_queue_still_consumed_by_the_previous_version_migrates_once_it_stops(
    rabbitmq_url: str, consumer: ConsumerQueue
) -> None:
    await declare_first_topology(rabbitmq_url, consumer)
    key = consumer.binding_keys[0]
    for n in range(6):
        await publish_event(rabbitmq_url, key, widget_event(f"w-{n}"))

    # A process of the previous version holds the first three without acknowledging them.
    previous = await aio_pika.connect(rabbitmq_url)
    channel = await previous.channel()
    await channel.set_qos(prefetch_count=3)
    held: list[aio_pika.abc.AbstractIncomingMessage] = []
    old_queue = await channel.get_queue(consumer.name, ensure=False)

    async def hold(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        held.append(message)

    await old_queue.consume(hold)

    async def holding() -> bool:
        return len(held) == 3

    await eventually(holding)

    processed: list[str] = []
    broker = make_broker(rabbitmq_url)

    async def process(name: str, event: CloudEvent) -> bool:
        processed.append(event.subject)
        return True

    subscribe_processing(broker, consumer, process)
    async with serving_consumers(broker, [consumer], migration_interval=0.5):
        # The three it did not hold moved; the queue stays while it is consumed.
        async def three_processed() -> bool:
            return len(processed) == 3

        await eventually(three_processed)
        await asyncio.sleep(1.2)  # a couple of migration rounds
        assert await exists(rabbitmq_url, consumer.name)
        # Unbound: a new event reaches only the new queue.
        await publish_event(rabbitmq_url, key, widget_event("later"))

        async def four_processed() -> bool:
            return len(processed) == 4

        await eventually(four_processed)

        # The previous version stops without acknowledging: its three come back to the
        # classic queue, and the next round moves them.
        await previous.close()

        async def everything_processed() -> bool:
            return len(processed) == 7

        await eventually(everything_processed, within=15)

        async def gone() -> bool:
            return not await exists(rabbitmq_url, consumer.name)

        await eventually(gone)

    assert sorted(processed) == sorted([*(f"w-{n}" for n in range(6)), "later"])


async def _drain(url: str, queue_name: str) -> AsyncIterator[aio_pika.abc.AbstractIncomingMessage]:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name, ensure=False)
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            yield message
    finally:
        await connection.close()
