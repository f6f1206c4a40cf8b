"""Outbox relay throughput and commit-to-delivery latency against the real Postgres and RabbitMQ.

Writes N events through the unit of work into a throwaway database, then lets one relay
(and then two relays sharing the table) publish them with confirms, and times until every
row is SENT and every message reached a bound queue. Then measures the latency of single
events: commit -> message on the queue, which exercises the LISTEN/NOTIFY wake-up.

`--parts writers` measures what the outbox trigger costs writers: `pgbench` runs a
create-shaped transaction (insert a row, insert its outbox row) from 8 clients with the
trigger notifying on every write (the first revisions'), with today's trigger while a relay
is busy and while none is, and with no trigger; interleaved, median of `--repeats`.
`--parts load` writes at `--rate` transactions/s with pgbench while one relay delivers them,
and reports commit -> delivered p50/p99 (stamped by the inserting statement, read from the
message body by a consumer).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from catalog_chassis.db import (
    OUTBOX_RELAY_ACTIVE_LOCK,
    asyncpg_url,
    create_engine,
    create_session_factory,
    libpq_dsn,
)
from catalog_chassis.domain import Aggregate, DomainEvent
from catalog_chassis.messaging.broker import make_broker
from catalog_chassis.migrations import (
    OUTBOX_NOTIFY_DDL,
    OUTBOX_NOTIFY_EVERY_WRITE,
    OUTBOX_NOTIFY_TRIGGER,
)
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


PGBENCH = "/usr/lib/postgresql/15/bin/pgbench"
CREATE_SHAPED = """
BEGIN;
INSERT INTO bench_things (id, name) VALUES (gen_random_uuid(), md5(random()::text));
INSERT INTO outbox (id, event_id, aggregate_type, aggregate_id, event_type, routing_key, payload)
VALUES (gen_random_uuid(), gen_random_uuid(), 'bench', 'b', 'BenchCreated', 'bench.created',
        json_build_object('committed', extract(epoch FROM clock_timestamp())));
COMMIT;
"""


def pgbench(dsn: str, *options: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(CREATE_SHAPED)
    try:
        return subprocess.run(  # noqa: S603 - our own command
            [PGBENCH, "-n", "-f", script.name, *options, dsn],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PGAPPNAME": "bench-writers"},
        ).stdout
    finally:
        Path(script.name).unlink()


async def writers(database_url: str, clients: int, seconds: int, repeats: int) -> dict:
    """Create-shaped transactions per second under each trigger variant."""
    dsn = libpq_dsn(database_url)
    admin = await asyncpg.connect(dsn)
    relay = await asyncpg.connect(dsn)  # stands in for a busy relay's listener connection
    await admin.execute("CREATE TABLE IF NOT EXISTS bench_things (id uuid PRIMARY KEY, name text)")

    async def variant(name: str) -> None:
        await admin.execute("TRUNCATE outbox, bench_things")
        await admin.execute(f"DROP TRIGGER IF EXISTS {OUTBOX_NOTIFY_TRIGGER} ON outbox")
        await relay.execute("SELECT pg_advisory_unlock_all()")
        if name == "no trigger":
            return
        for statement in OUTBOX_NOTIFY_DDL:
            await admin.execute(statement)
        if name == "notify every write":
            await admin.execute(OUTBOX_NOTIFY_EVERY_WRITE)
        if name == "relay busy":
            assert await relay.fetchval("SELECT pg_try_advisory_lock($1)", OUTBOX_RELAY_ACTIVE_LOCK)

    names = ["notify every write", "relay idle", "relay busy", "no trigger"]
    results: dict[str, list[float]] = {name: [] for name in names}
    try:
        for repeat in range(repeats):
            for name in names if repeat % 2 == 0 else reversed(names):
                await variant(name)
                out = await asyncio.to_thread(
                    pgbench, dsn, "-c", str(clients), "-j", "2", "-T", str(seconds)
                )
                tps = float(out.split("tps = ")[1].split()[0])
                results[name].append(tps)
    finally:
        await relay.close()
        await admin.close()
    return {name: round(statistics.median(values)) for name, values in results.items()}


async def under_load(database_url: str, rabbitmq_url: str, rate: int, seconds: int) -> dict:
    """Commit -> delivered while pgbench writes `rate` transactions/s and one relay relays."""
    dsn = libpq_dsn(database_url)
    admin = await asyncpg.connect(dsn)
    await admin.execute("CREATE TABLE IF NOT EXISTS bench_things (id uuid PRIMARY KEY, name text)")
    await admin.execute("TRUNCATE outbox, bench_things")
    for statement in (
        f"DROP TRIGGER IF EXISTS {OUTBOX_NOTIFY_TRIGGER} ON outbox",
        *OUTBOX_NOTIFY_DDL,
    ):
        await admin.execute(statement)
    await admin.close()
    engine = create_engine(database_url)
    broker = make_broker(rabbitmq_url, app_id="bench")
    relay = OutboxRelay(create_session_factory(engine), broker, listen_dsn=dsn)
    stop = asyncio.Event()
    delays: list[float] = []
    async with probe_queue(rabbitmq_url, [ROUTING_KEY]) as queue:

        async def arrived(message) -> None:  # type: ignore[no-untyped-def]
            delays.append((time.time() - json.loads(message.body)["committed"]) * 1000)

        await queue.consume(arrived, no_ack=True)
        task = asyncio.create_task(relay.run(stop))
        await asyncio.sleep(1.0)  # connected and listening
        out = await asyncio.to_thread(
            pgbench, dsn, "-c", "4", "-j", "2", "-R", str(rate), "-T", str(seconds)
        )
        written = int(out.split("number of transactions actually processed: ")[1].split()[0])
        deadline = time.monotonic() + 30
        while len(delays) < written and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        stop.set()
        await task
    await broker.stop()
    await engine.dispose()
    return {
        "rate": rate,
        "written": written,
        "delivered": len(delays),
        "p50_ms": round(statistics.median(delays), 2),
        "p99_ms": round(percentile(delays, 0.99), 2),
        "max_ms": round(max(delays), 2),
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--parts", default="relay,writers,load")
    parser.add_argument("--clients", type=int, default=8, help="pgbench clients for writers")
    parser.add_argument("--seconds", type=int, default=10, help="per pgbench run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rate", type=int, default=500, help="writes/s for the load part")
    args = parser.parse_args()
    parts = args.parts.split(",")
    rabbitmq_url = platform_setting("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
    figures: dict = {"benchmark": "outbox_relay"}
    async with throwaway_database("bench") as throwaway_url:
        # No TLS on loopback, as `make up` configures the services' relays.
        database_url = asyncpg_url(
            make_url(throwaway_url)
            .update_query_dict({"sslmode": "disable"})
            .render_as_string(False)
        )
        engine = create_engine(database_url)
        await create_chassis_schema(engine)
        await engine.dispose()
        if "relay" in parts:
            one = await throughput(database_url, rabbitmq_url, args.events, relays=1)
            two = await throughput(database_url, rabbitmq_url, args.events, relays=2)
            delays = await latency(database_url, rabbitmq_url, args.samples)
            figures |= {
                "events": args.events,
                "events_per_second_one_relay": round(one),
                "events_per_second_two_relays": round(two),
                "commit_to_delivery_ms_p50": round(statistics.median(delays), 2),
                "commit_to_delivery_ms_p95": round(percentile(delays, 0.95), 2),
                "commit_to_delivery_ms_p99": round(percentile(delays, 0.99), 2),
            }
            print(
                f"outbox relay: {round(one)} events/s (1 relay), {round(two)} events/s"
                f" (2 relays); commit->delivery p50 {statistics.median(delays):.2f} ms,"
                f" p95 {percentile(delays, 0.95):.2f} ms",
                flush=True,
            )
        if "writers" in parts:
            tps = await writers(database_url, args.clients, args.seconds, args.repeats)
            figures["writers_tps"] = tps
            print(
                f"create-shaped transactions, {args.clients} clients: "
                + ", ".join(f"{name} {value} tps" for name, value in tps.items()),
                flush=True,
            )
        if "load" in parts:
            load = await under_load(database_url, rabbitmq_url, args.rate, args.seconds)
            figures["under_load"] = load
            print(
                f"at {args.rate} writes/s: {load['delivered']}/{load['written']} delivered,"
                f" commit->delivered p50 {load['p50_ms']} ms, p99 {load['p99_ms']} ms,"
                f" max {load['max_ms']} ms",
                flush=True,
            )
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
