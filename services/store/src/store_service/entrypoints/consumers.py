"""The projection process: `python -m store_service.entrypoints.consumers`.

Consumes every characteristic, specification, price and offering event from
`catalog.events` (consumers `store.<kind>s`: queues `store.<kind>s.v2`, dead letters in
`store.<kind>s.v2.dlq`, see docs/runbooks/messaging.md), keeps the documents and the search
index current, and serves its metrics (the projection lag) on `METRICS_PORT` for Prometheus.
A snapshot the projection cannot read (MalformedSnapshot) is dead-lettered at once; any
other failure (the document store or the search engine down) is retried for minutes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from faststream.rabbit.broker.registrator import RabbitRegistrator
from prometheus_client import Histogram

from catalog_chassis.logging import configure_logging
from catalog_chassis.messaging import (
    CloudEvent,
    ConsumerQueue,
    make_broker,
    run_consumers,
    subscribe_processing,
)
from catalog_chassis.tracing import configure_tracing
from store_service.application.consuming import ProjectionConsumer
from store_service.bootstrap import bootstrap
from store_service.config import StoreSettings
from store_service.domain.documents import Kind
from store_service.entrypoints.topology import QUEUES

logger = logging.getLogger(__name__)

PROJECTION_LAG = Histogram(
    "store_projection_lag_seconds",
    "Seconds from a write-side event's time to its projection into the store",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)


def subscribe_projection(
    broker: RabbitRegistrator,
    consumer: ProjectionConsumer,
    queues: Mapping[Kind, ConsumerQueue] = QUEUES,
) -> list[ConsumerQueue]:
    """Registers the projection on ``queues`` (one per kind; tests pass their own) and
    returns them to serve. Idempotency is the consumer's own (its document store)."""

    async def process(name: str, event: CloudEvent) -> bool:
        return await consumer.handle(name, event.id, event.type, event.time, event.data)

    for kind, queue in queues.items():
        subscribe_processing(
            broker,
            queue,
            process,
            name=f"project_{kind.value}_events",
            doc=f"Projects {kind.value} events into the store.",
        )
    return list(queues.values())


async def run(settings: StoreSettings) -> None:
    configure_logging(settings.service_name, settings.log_level)
    configure_tracing(settings.service_name)
    container = bootstrap(settings)
    container.consumer.observe_lag = PROJECTION_LAG.observe
    broker = make_broker(settings.rabbitmq_url.get_secret_value(), app_id=settings.service_name)
    queues = subscribe_projection(broker, container.consumer)
    try:
        await container.prepare()
        await run_consumers(broker, queues, settings)
    finally:
        await container.aclose()


def main() -> None:
    asyncio.run(run(StoreSettings()))


if __name__ == "__main__":
    main()
