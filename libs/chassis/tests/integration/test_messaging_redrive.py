"""Re-driving moves dead letters back to their own consumer only, which then processes each
once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog_chassis.messaging import (
    DEAD_LETTER_EXCHANGE,
    CloudEvent,
    ConsumerQueue,
    RetrySchedule,
    consumer_queue,
    declare_consumer_topology,
    event_subscriber,
    make_broker,
)
from catalog_chassis.messaging.redrive import main as redrive_main
from catalog_chassis.messaging.redrive import redrive
from catalog_chassis.messaging.retry import REDRIVES_HEADER
from catalog_testing import (
    THROWAWAY_QUEUE_ARGS,
    collect_messages,
    delete_queues,
    drain,
    eventually,
    message_count,
    probe_queue,
    publish_event,
    serving_consumers,
)

pytestmark = pytest.mark.integration

SCHEDULE = RetrySchedule((0.05, 0.1))


def widget_event(subject: str) -> CloudEvent:
    return CloudEvent(
        id=uuid.uuid4(),
        source="/catalog/widgets",
        type="WidgetCreated",
        time=datetime.now(UTC),
        subject=subject,
        data={"id": subject, "version": 1},
    )


@pytest.fixture
async def consumer(rabbitmq_url: str) -> AsyncIterator[ConsumerQueue]:
    name = f"test.redrive.{uuid.uuid4().hex[:12]}"
    queue = consumer_queue(
        name, [f"test.{name}"], retry=SCHEDULE, extra_arguments=THROWAWAY_QUEUE_ARGS
    )
    yield queue
    await delete_queues(rabbitmq_url, queue.queue_names)


async def processed(sessions: async_sessionmaker[AsyncSession], consumer: str) -> int:
    async with sessions() as session:
        found = await session.execute(
            text("SELECT count(*) FROM processed_events WHERE consumer = :c"), {"c": consumer}
        )
        return int(found.scalar_one())


async def test_redriven_dead_letters_reach_their_consumer_alone_and_act_once(
    rabbitmq_url: str, sessions: async_sessionmaker[AsyncSession], consumer: ConsumerQueue
) -> None:
    broken = True
    handled: list[str] = []
    broker = make_broker(rabbitmq_url)

    @event_subscriber(broker, consumer, sessions=sessions)
    async def handle(event: CloudEvent, session: AsyncSession) -> None:
        if broken:
            raise ConnectionRefusedError("the search engine is down")
        handled.append(event.subject)

    key = consumer.binding_keys[0]
    subjects = [f"w-{n}" for n in range(3)]
    # Another subscriber of the same events: re-driving must not bother it.
    async with probe_queue(rabbitmq_url, [key]) as other, serving_consumers(broker, [consumer]):
        for subject in subjects:
            await publish_event(rabbitmq_url, key, widget_event(subject).to_json_bytes())

        async def all_dead() -> bool:
            return await message_count(rabbitmq_url, consumer.dead_letter_queue.name) == 3

        await eventually(all_dead)
        assert len(await drain(other)) == 3

        broken = False
        result = await redrive(rabbitmq_url, consumer)

        async def all_processed() -> bool:
            return await processed(sessions, consumer.name) == 3

        await eventually(all_processed)
        await asyncio.sleep(0.3)  # time for any duplicate to show up

        assert (result.moved, result.left) == (3, 0)
        assert sorted(handled) == subjects
        assert await message_count(rabbitmq_url, consumer.dead_letter_queue.name) == 0
        assert await drain(other) == []


async def test_a_dead_letter_that_fails_again_goes_back_to_the_dlq_counting_its_redrives(
    rabbitmq_url: str, sessions: async_sessionmaker[AsyncSession], consumer: ConsumerQueue
) -> None:
    broker = make_broker(rabbitmq_url)

    @event_subscriber(broker, consumer, sessions=sessions)
    async def handle(event: CloudEvent, session: AsyncSession) -> None:
        raise ConnectionRefusedError("still down")

    async with serving_consumers(broker, [consumer]):
        await publish_event(
            rabbitmq_url, consumer.binding_keys[0], widget_event("w").to_json_bytes()
        )

        async def dead() -> bool:
            return await message_count(rabbitmq_url, consumer.dead_letter_queue.name) == 1

        await eventually(dead)
        result = await redrive(rabbitmq_url, consumer)
        [dead] = await collect_messages(rabbitmq_url, consumer.dead_letter_queue.name, 1)

    assert result.moved == 1
    assert dead.headers[REDRIVES_HEADER] == 1
    assert dead.headers["catalog-attempts"] == 3  # a fresh schedule, spent again


async def test_the_command_line_redrives_one_consumer_of_a_module_and_prints_counts(
    rabbitmq_url: str,
    consumer: ConsumerQueue,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A service's consumers module, as `make dlq-redrive` names it.
    (tmp_path / "redrive_target.py").write_text(
        "from catalog_chassis.messaging import RetrySchedule, consumer_queue\n"
        f"QUEUES = {{'widgets': consumer_queue({consumer.name!r}, {list(consumer.binding_keys)!r},"
        f" retry=RetrySchedule({SCHEDULE.delays!r}), extra_arguments={THROWAWAY_QUEUE_ARGS!r})}}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("RABBITMQ_URL", rabbitmq_url)
    # Two dead letters, and no consumer running: they wait in its queue afterwards.
    broker = make_broker(rabbitmq_url)
    await broker.connect()
    try:
        await declare_consumer_topology(broker, consumer)
        for subject in ("a", "b"):
            await broker.publish(
                widget_event(subject).to_json_bytes(),
                exchange=DEAD_LETTER_EXCHANGE,
                routing_key=consumer.name,
                persist=True,
            )
    finally:
        await broker.stop()

    status = await asyncio.to_thread(
        redrive_main, ["redrive_target:QUEUES", "--queue", consumer.name]
    )

    assert status == 0
    out = capsys.readouterr().out
    assert f"{consumer.name}: moved 2 dead letter(s) back to the consumer, 0 left" in out
    assert "re-driven: 2" in out
    assert await message_count(rabbitmq_url, consumer.dead_letter_queue.name) == 0
    assert await message_count(rabbitmq_url, consumer.queue.name) == 2


async def test_the_command_line_refuses_an_unknown_consumer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "redrive_known.py").write_text(
        "from catalog_chassis.messaging import consumer_queue\n"
        "QUEUES = [consumer_queue('widgets.made', ['widget.made'])]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    with pytest.raises(SystemExit) as exit_:
        redrive_main(["redrive_known", "--queue", "widgets.lost"])

    assert exit_.value.code == 2
    assert "it has: widgets.made" in capsys.readouterr().err
