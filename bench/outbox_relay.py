"""Outbox relay throughput and commit-to-delivery latency against the real Postgres and RabbitMQ.

Writes N events through the unit of work into a throwaway database, then lets one relay
(and then two relays sharing the table) publish them with confirms, and times until every
row is SENT and every message reached a bound queue. Then measures the latency of single
events: commit -> message on the queue, which exercises the LISTEN/NOTIFY wake-up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid

from sqlalchemy import text

from catalog_chassis.db import create_engine, create_session_factory, libpq_dsn
from catalog_chassis.domain import Aggregate, DomainEvent
from catalog_chassis.messaging.broker import make_broker
from catalog_chassis.outbox.relay import OutboxRelay, RelayOptions
from catalog_chassis.outbox.uow import SqlAlchemyUnitOfWork
from catalog_testing import (
    create_chassis_schema,
    drain,
    platform_setting,
    probe_queue,
    throwaway_database,
)

ROUTING_KEY = "bench.created"


class BenchThing(Aggregate):
    def __init__(self, index: int) -> None:
        super().__init__()
        self.id = str(uuid.uuid4())
        self.record(
            DomainEvent(
                aggregate_type="bench",
                action="created",
                type="BenchCreated",
                aggregate_id=self.id,
                data={"id": self.id, "index": index, "version": 1, "payload": "x" * 200},
            )
        )


async def write_events(sessions, count: int, per_transaction: int = 100) -> None:
    for start in range(0, count, per_transaction):
        async with SqlAlchemyUnitOfWork(sessions, service="bench") as uow:
            for index in range(start, min(start + per_transaction, count)):
                uow.track(BenchThing(index))
            await uow.commit()


async def pending(engine) -> int:
    async with engine.connect() as connection:
        result = await connection.execute(
            text("SELECT count(*) FROM outbox WHERE status <> 'SENT'")
        )
        return int(result.scalar_one())


async def throughput(database_url: str, rabbitmq_url: str, events: int, relays: int) -> float:
    engine = create_engine(database_url, pool_size=10)
    sessions = create_session_factory(engine)
    async with engine.begin() as connection:
        await connection.execute(text("TRUNCATE outbox"))
    await write_events(sessions, events)
    async with probe_queue(rabbitmq_url, [ROUTING_KEY]) as queue:
        brokers = [make_broker(rabbitmq_url, app_id="bench") for _ in range(relays)]
        stop = asyncio.Event()
        workers = [
            OutboxRelay(
                sessions,
                broker,
                listen_dsn=libpq_dsn(database_url),
                options=RelayOptions(poll_interval=0.2),
            )
            for broker in brokers
        ]
        started = time.perf_counter()
        tasks = [asyncio.create_task(worker.run(stop)) for worker in workers]
        while await pending(engine):
            await asyncio.sleep(0.02)
        elapsed = time.perf_counter() - started
        stop.set()
        await asyncio.gather(*tasks)
        delivered = len(await drain(queue, settle=0.5))
        for broker in brokers:
            await broker.stop()
    await engine.dispose()
    if delivered != events:
        raise SystemExit(f"delivered {delivered} of {events} events")
    return events / elapsed


async def latency(database_url: str, rabbitmq_url: str, samples: int) -> list[float]:
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    broker = make_broker(rabbitmq_url, app_id="bench")
    # Long poll interval: delivery within milliseconds can only come from LISTEN/NOTIFY.
    relay = OutboxRelay(
        sessions, broker, listen_dsn=libpq_dsn(database_url), options=RelayOptions(poll_interval=30)
    )
    stop = asyncio.Event()
    durations: list[float] = []
    async with probe_queue(rabbitmq_url, [ROUTING_KEY]) as queue:
        arrivals: asyncio.Queue[float] = asyncio.Queue()

        async def arrived(message: object) -> None:
            arrivals.put_nowait(time.perf_counter())

        await queue.consume(arrived, no_ack=True)
        task = asyncio.create_task(relay.run(stop))
        await asyncio.sleep(1.0)  # connected and listening
        for _ in range(samples):
            started = time.perf_counter()
            await write_events(sessions, 1)
            durations.append((await asyncio.wait_for(arrivals.get(), 10) - started) * 1000)
        stop.set()
        await task
    await broker.stop()
    await engine.dispose()
    return durations


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    rabbitmq_url = platform_setting("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
    async with throwaway_database("bench") as database_url:
        engine = create_engine(database_url)
        await create_chassis_schema(engine)
        await engine.dispose()
        one = await throughput(database_url, rabbitmq_url, args.events, relays=1)
        two = await throughput(database_url, rabbitmq_url, args.events, relays=2)
        delays = await latency(database_url, rabbitmq_url, args.samples)
    figures = {
        "benchmark": "outbox_relay",
        "events": args.events,
        "events_per_second_one_relay": round(one),
        "events_per_second_two_relays": round(two),
        "commit_to_delivery_ms_p50": round(statistics.median(delays), 2),
        "commit_to_delivery_ms_p95": round(percentile(delays, 0.95), 2),
        "commit_to_delivery_ms_p99": round(percentile(delays, 0.99), 2),
    }
    print(
        f"outbox relay: {round(one)} events/s (1 relay), {round(two)} events/s (2 relays); "
        f"commit->delivery p50 {statistics.median(delays):.2f} ms, "
        f"p95 {percentile(delays, 0.95):.2f} ms"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
