"""The saga worker process: `python -m store_service.entrypoints.saga_worker`.

Serves the store's steps of the publication saga: `create-store-entry`, and its
compensation `delete-store-entry`.
"""

from __future__ import annotations

import asyncio

from catalog_chassis.workflow.process import run_task_worker
from catalog_chassis.workflow.worker import Topic
from store_service.application.saga_steps import StoreSagaSteps
from store_service.bootstrap import Container, bootstrap
from store_service.config import StoreSettings

# The topics of bpmn/offering-publication-saga.bpmn this service serves.
TOPICS = ("create-store-entry", "delete-store-entry")


def topics(container: Container) -> list[Topic]:
    steps = StoreSagaSteps(
        catalog=container.catalog,
        components=container.projection.components,
        staging=container.projection.staging,
        projection=container.projection,
    )
    return [
        Topic(TOPICS[0], steps.create_store_entry),
        # Compensation must not give up: it retries for about an hour, then an incident.
        Topic(TOPICS[1], steps.delete_store_entry, max_attempts=120, exhausted="incident"),
    ]


async def serve() -> None:
    container = bootstrap(StoreSettings())
    try:
        # The API prepares the store's collections and index; writes before it did retry.
        await run_task_worker(container.settings, topics(container))
    finally:
        await container.aclose()


def main() -> None:
    asyncio.run(serve())


if __name__ == "__main__":
    main()
