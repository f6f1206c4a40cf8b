"""One event consumer's throughput and CPU cost per event, on the real RabbitMQ and Postgres.

`--consumer` chooses it: the characteristic service's `characteristic.specifications`
(every specification event records which characteristics the specification uses: a usage
table; fed `SpecificationCreated` with three characteristics each) or the specification
service's `specification.characteristics` (every characteristic event updates its cache of
characteristics: a reference cache; fed `CharacteristicCreated`). Its service's consumer
process runs as `make up` runs it, pinned to core 1, against a throwaway database migrated by
the service's Alembic revisions and a throwaway RabbitMQ virtual host (so the running
platform's consumer shares nothing with it), with the production sampler (`--sampler`). Once
it is idle, `--events` events are published from core 0 with confirms; the figure is from
the first publish until every event is in `processed_events`: events/s and the consumer's
CPU milliseconds per event (utime + stime from /proc). Compare with the API's CPU-ms per
request (bench/api_vs_baseline.py).

    make up && uv run python bench/consumer.py [--consumer NAME] [--events 3000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import aio_pika
import asyncpg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.api_vs_baseline import (  # noqa: E402
    CLOCK_TICKS,
    PRODUCTION_SAMPLER,
    PY_SPY,
    TASKSET,
    bench_database,
    sampler_env,
)
from catalog_chassis.db import libpq_dsn  # noqa: E402
from catalog_chassis.messaging.cloudevents import CLOUDEVENTS_CONTENT_TYPE  # noqa: E402
from catalog_chassis.messaging.topology import EVENTS_EXCHANGE_NAME  # noqa: E402
from catalog_testing import platform_setting  # noqa: E402
from dev.localplatform.discovery import discover_services  # noqa: E402
from dev.localplatform.paths import DEFAULT_LAYOUT  # noqa: E402
from dev.localplatform.platform_env import prepare_databases  # noqa: E402
from dev.localplatform.secrets_store import ensure_jwt_keys  # noqa: E402
from dev.localplatform.services import service_env  # noqa: E402

METRICS_PORT = 19192


def rabbitmqctl(*arguments: str) -> None:
    executable = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    subprocess.run([executable, *arguments], check=True, capture_output=True, timeout=120)  # noqa: S603


def in_vhost(url: str, vhost: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(vhost, safe="")))


def _event(event_type: str, source: str, data: dict[str, object]) -> bytes:
    event = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": source,
        "type": event_type,
        "time": datetime.now(UTC).isoformat(),
        "subject": data["id"],
        "datacontenttype": "application/json",
        "data": data,
        "correlationid": f"bench-{str(data['id'])[:8]}",
    }
    return json.dumps(event).encode()


def specification_created() -> bytes:
    specification_id = str(uuid.uuid4())
    data: dict[str, object] = {
        "id": specification_id,
        "name": f"Bench specification {specification_id[:8]}",
        "description": "",
        "characteristicIds": [str(uuid.uuid4()) for _ in range(3)],
        "version": 1,
    }
    return _event("SpecificationCreated", "/catalog/specification", data)


def characteristic_created() -> bytes:
    characteristic_id = str(uuid.uuid4())
    now = datetime.now(UTC).isoformat()
    data: dict[str, object] = {
        "id": characteristic_id,
        "name": f"Bench speed {characteristic_id[:8]}",
        "value": "100",
        "unitOfMeasure": "Mbps",
        "version": 1,
        "createdAt": now,
        "updatedAt": now,
    }
    return _event("CharacteristicCreated", "/catalog/characteristic", data)


@dataclass(frozen=True)
class Consumer:
    """One consumer of a service's consumer process and the events it is fed."""

    service: str
    queue: str
    routing_key: str
    make_event: Callable[[], bytes]


CONSUMERS = {
    # Records which characteristics each specification uses (a usage table).
    "characteristic.specifications": Consumer(
        "characteristic",
        "characteristic.specifications.v2",
        "specification.created",
        specification_created,
    ),
    # Keeps the specification service's cache of characteristics (a reference cache).
    "specification.characteristics": Consumer(
        "specification",
        "specification.characteristics.v2",
        "characteristic.created",
        characteristic_created,
    ),
}


async def processed(dsn: str) -> int:
    connection = await asyncpg.connect(dsn)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM processed_events"))
    finally:
        await connection.close()


async def one_run(
    consumer: Consumer, amqp_url: str, dsn: str, pid: int, events: int
) -> tuple[float, float]:
    """Publish `events` and wait until all are processed: (events/s, CPU-ms per event)."""
    already = await processed(dsn)
    bodies = [consumer.make_event() for _ in range(events)]
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(EVENTS_EXCHANGE_NAME)
        cpu_before = cpu_seconds(pid)
        started = time.perf_counter()
        for start in range(0, events, 200):
            await asyncio.gather(
                *(
                    exchange.publish(
                        aio_pika.Message(
                            body,
                            content_type=CLOUDEVENTS_CONTENT_TYPE,
                            message_id=str(uuid.uuid4()),
                            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        ),
                        routing_key=consumer.routing_key,
                    )
                    for body in bodies[start : start + 200]
                )
            )
        deadline = time.monotonic() + 600
        while await processed(dsn) < already + events:
            if time.monotonic() > deadline:
                raise RuntimeError("the consumer did not process every event within 10 minutes")
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds(pid) - cpu_before
    finally:
        await connection.close()
    return events / elapsed, cpu * 1000 / events


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


async def wait_for_queue(
    queue: str, amqp_url: str, process: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + 60
    while True:
        connection = await aio_pika.connect(amqp_url)
        try:
            channel = await connection.channel()
            await channel.get_queue(queue, ensure=True)
            return
        except aio_pika.exceptions.ChannelClosed:
            pass
        finally:
            await connection.close()
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the consumer did not declare {queue}; see {log}")
        await asyncio.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--consumer", choices=sorted(CONSUMERS), default="characteristic.specifications"
    )
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="py-spy raw profile of the first run here")
    parser.add_argument(
        "--sampler", default=PRODUCTION_SAMPLER, help="OTEL_TRACES_SAMPLER[:ARG] of the consumer"
    )
    args = parser.parse_args()
    layout = DEFAULT_LAYOUT
    specs = {spec.name: spec for spec in discover_services(layout.services)}
    consumer = CONSUMERS[args.consumer]
    spec = specs[consumer.service]
    platform_env = prepare_databases(layout, list(specs.values()))
    vhost = f"bench-{uuid.uuid4().hex[:8]}"
    amqp_url = in_vhost(platform_setting("RABBITMQ_URL"), vhost)
    user = urlsplit(amqp_url).username or "guest"
    rabbitmqctl("add_vhost", vhost)
    try:
        rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
        with bench_database("bench_consumer") as database_url:
            env = service_env(layout, spec, platform_env, ensure_jwt_keys(layout))
            env |= {
                "DATABASE_URL": database_url,
                "RABBITMQ_URL": amqp_url,
                "METRICS_PORT": str(METRICS_PORT),
                **sampler_env(args.sampler),
            }
            subprocess.run(
                [sys.executable, "-m", "alembic", "upgrade", "head"],
                cwd=spec.directory,
                env=env,
                check=True,
                capture_output=True,
            )
            log = Path(tempfile.gettempdir()) / "bench-consumer.log"
            command = spec.command("consumers")
            with log.open("wb") as output:
                process = subprocess.Popen(  # noqa: S603 - our own command
                    [TASKSET, "-c", "1", str(layout.venv_bin / "python"), *command[1:]],
                    cwd=spec.directory,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            spy = None
            try:
                asyncio.run(wait_for_queue(consumer.queue, amqp_url, process, log))
                if args.profile:
                    spy = subprocess.Popen(  # noqa: S603 - our own command
                        [
                            *PY_SPY,
                            *("record", "-p", str(process.pid), "-r", "200"),
                            *("-f", "raw", "-o", str(args.profile)),
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    time.sleep(1)  # attached
                runs = [
                    asyncio.run(
                        one_run(
                            consumer, amqp_url, libpq_dsn(database_url), process.pid, args.events
                        )
                    )
                    for _ in range(args.repeats)
                ]
            finally:
                process.terminate()
                process.wait(timeout=30)
                if spy is not None:
                    spy.wait(timeout=60)
    finally:
        rabbitmqctl("delete_vhost", vhost)
    rate = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    print(
        f"consumer {args.consumer}: {rate:.0f} events/s, {cpu:.2f} CPU-ms per event"
        f" (median of {args.repeats} runs of {args.events} events; sampler {args.sampler})"
    )
    print(
        json.dumps(
            {
                "benchmark": "consumer",
                "consumer": args.consumer,
                "events": args.events,
                "sampler": args.sampler,
                "events_per_second": round(rate),
                "cpu_ms_per_event": round(cpu, 3),
                "runs": [{"events_per_second": round(r), "cpu_ms": round(c, 3)} for r, c in runs],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
