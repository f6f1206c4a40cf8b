"""The body of a service's saga worker process (``entrypoints/saga_worker.py``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from sqlalchemy.ext.asyncio import AsyncEngine

from catalog_chassis.logging import configure_logging
from catalog_chassis.messaging.runner import run_until_stopped
from catalog_chassis.settings import ServiceSettings
from catalog_chassis.tracing import configure_tracing
from catalog_chassis.worker_endpoints import Heartbeat, serve_worker_endpoints
from catalog_chassis.workflow.engine import EngineClient
from catalog_chassis.workflow.worker import TaskWorker, Topic, default_worker_id

logger = logging.getLogger(__name__)

BackgroundJob = Callable[[asyncio.Event], Awaitable[None]]


class EngineNotConfigured(RuntimeError):
    """CAMUNDA_URL is missing where a process engine is needed."""


def engine_client(settings: ServiceSettings) -> EngineClient:
    """The engine client of a service's processes, as its settings configure it.

    Its requests are not traced: the long polls would each make a trace of their own; the
    workers' spans cover the work instead."""
    if not settings.camunda_url:
        raise EngineNotConfigured(
            f"{settings.service_name} needs CAMUNDA_URL (the engine-rest URL)"
        )
    password = settings.camunda_password.get_secret_value() if settings.camunda_password else None
    client = EngineClient(
        settings.camunda_url, username=settings.camunda_username, password=password
    )
    HTTPXClientInstrumentor.uninstrument_client(client.http)
    return client


async def run_task_worker(
    settings: ServiceSettings,
    topics: Sequence[Topic],
    *,
    database: AsyncEngine | None = None,
    background: Sequence[BackgroundJob] = (),
) -> None:
    """Serve ``topics`` (and run the ``background`` jobs) until SIGTERM/SIGINT."""
    configure_logging(settings.service_name, settings.log_level)
    provider = configure_tracing(settings.service_name, engine=database)
    client = engine_client(settings)
    worker = TaskWorker(
        client,
        topics,
        worker_id=default_worker_id(settings.service_name),
        concurrency=settings.worker_concurrency,
        long_poll_ms=settings.worker_long_poll_ms,
    )

    heartbeat = Heartbeat()
    endpoints = (
        serve_worker_endpoints(settings.metrics_address, settings.metrics_port, heartbeat)
        if settings.metrics_port
        else None
    )

    async def main(stop: asyncio.Event) -> None:
        await asyncio.gather(
            worker.run(stop), heartbeat.run(stop), *(job(stop) for job in background)
        )

    try:
        await run_until_stopped(main)
    finally:
        if endpoints is not None:
            endpoints.close()
        await client.aclose()
        provider.force_flush()
        logger.info("saga worker of %s stopped", settings.service_name)
