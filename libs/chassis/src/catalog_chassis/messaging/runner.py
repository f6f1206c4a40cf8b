"""Running long-lived messaging processes until SIGTERM/SIGINT, then stopping gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator, Sequence

from aiormq.exceptions import AMQPConnectionError
from faststream.rabbit import RabbitBroker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog_chassis.db import create_session_factory, database_engine
from catalog_chassis.logging import configure_logging
from catalog_chassis.messaging.backoff import Backoff
from catalog_chassis.messaging.broker import make_broker
from catalog_chassis.messaging.migration import LegacyQueue, migrate_legacy_queues
from catalog_chassis.messaging.topology import (
    ConsumerQueue,
    broker_url,
    declare_consumer_topology,
)
from catalog_chassis.settings import ServiceSettings
from catalog_chassis.tracing import configure_tracing
from catalog_chassis.worker_endpoints import Heartbeat, serve_worker_endpoints

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def stop_on_signals(
    stop: asyncio.Event, signals: Sequence[signal.Signals] = (signal.SIGTERM, signal.SIGINT)
) -> Iterator[None]:
    """Set ``stop`` when the process is asked to terminate (Kubernetes sends SIGTERM)."""
    loop = asyncio.get_running_loop()
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        yield
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)


async def run_until_stopped(main: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run ``main(stop)``; ``stop`` is set on SIGTERM/SIGINT and ``main`` winds down."""
    stop = asyncio.Event()
    with stop_on_signals(stop):
        await main(stop)


# How often legacy queues that could not be migrated at start (a process of the previous
# version still consumed them) are tried again.
MIGRATION_INTERVAL = 60.0


async def serve_consumers(
    broker: RabbitBroker,
    consumers: Sequence[ConsumerQueue],
    stop: asyncio.Event,
    *,
    migration_interval: float = MIGRATION_INTERVAL,
) -> None:
    """Declare the consumers' topology (migrating legacy queues), consume until ``stop`` is
    set, then drain. Legacy queues still in use at start are migrated once they are not."""
    if not await connect_when_available(broker, stop):
        return
    pending: list[LegacyQueue] = []
    for consumer in consumers:
        pending += await declare_consumer_topology(broker, consumer)
    await broker.start()
    logger.info("consuming from %s", ", ".join(c.queue.name for c in consumers))
    migrating = (
        asyncio.create_task(
            keep_migrating(await broker_url(broker), pending, stop, migration_interval)
        )
        if pending
        else None
    )
    try:
        await stop.wait()
    finally:
        if migrating is not None:
            migrating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await migrating
        # broker.stop waits (graceful_timeout) for in-flight handlers before closing.
        await broker.stop()


async def keep_migrating(
    url: str, pending: Sequence[LegacyQueue], stop: asyncio.Event, interval: float
) -> None:
    """Try the migration of ``pending`` legacy queues every ``interval`` seconds until none
    is left (or ``stop`` is set)."""
    left = list(pending)
    while left and not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
        if stop.is_set():
            return
        try:
            left = await migrate_legacy_queues(url, left)
        except Exception:  # a background chore: log it, and try again next time
            logger.exception("migrating legacy queues failed, will try again")


CONNECT_BACKOFF = Backoff(initial=0.5, factor=2.0, maximum=15.0, jitter=0.2)


async def connect_when_available(
    broker: RabbitBroker, stop: asyncio.Event, backoff: Backoff = CONNECT_BACKOFF
) -> bool:
    """Connect, retrying with backoff while the broker is unreachable (a consumer started
    before RabbitMQ, or during an outage, waits instead of crashing). False if stopped first."""
    attempt = 0
    while not stop.is_set():
        attempt += 1
        try:
            await broker.connect()
            return True
        except (OSError, AMQPConnectionError) as error:
            delay = backoff.delay(attempt)
            logger.warning(
                "RabbitMQ unreachable (attempt %d), retrying in %.1fs: %r", attempt, delay, error
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
    return False


async def run_consumers(
    broker: RabbitBroker,
    consumers: Sequence[ConsumerQueue],
    settings: ServiceSettings | None = None,
) -> None:
    """The body of a service's consumer entrypoint: serve until SIGTERM; with the
    settings' METRICS_PORT, /metrics and /health/live beside (catalog_chassis.worker_endpoints)."""
    heartbeat = Heartbeat()
    port = settings.metrics_port if settings is not None else None
    endpoints = (
        serve_worker_endpoints(settings.metrics_address, port, heartbeat)
        if settings is not None and port
        else None
    )

    async def main(stop: asyncio.Event) -> None:
        await asyncio.gather(serve_consumers(broker, consumers, stop), heartbeat.run(stop))

    try:
        await run_until_stopped(main)
    finally:
        if endpoints is not None:
            endpoints.close()


Subscribe = Callable[[RabbitBroker, async_sessionmaker[AsyncSession]], Sequence[ConsumerQueue]]


async def run_consumer_process(settings: ServiceSettings, subscribe: Subscribe) -> None:
    """The whole body of a service's consumer process (``entrypoints/consumers.py``).

    Sets up JSON logging, tracing, the database engine and the broker; ``subscribe``
    registers the service's handlers on the broker and returns the queues to serve.
    Consumes until SIGTERM, then drains and closes everything.
    """
    engine = database_engine(settings, role="consumers")
    configure_logging(settings.service_name, settings.log_level)
    configure_tracing(settings.service_name, engine=engine)
    broker = make_broker(settings.rabbitmq_url.get_secret_value(), app_id=settings.service_name)
    queues = subscribe(broker, create_session_factory(engine))
    try:
        await run_consumers(broker, queues, settings)
    finally:
        await engine.dispose()
