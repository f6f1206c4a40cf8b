"""The saga worker process: `python -m offering_service.entrypoints.saga_worker`.

Serves the offering's steps of the publication saga (`confirm-publication`,
`mark-publication-failed`) and starts the sagas the API could not start at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from catalog_chassis.workflow.process import BackgroundJob, run_task_worker
from catalog_chassis.workflow.worker import Topic
from offering_service.application.saga_steps import OfferingSagaSteps
from offering_service.bootstrap import Container, bootstrap
from offering_service.config import OfferingSettings

logger = logging.getLogger(__name__)

SWEEP_INTERVAL = 2.0


# The topics of bpmn/offering-publication-saga.bpmn this service serves.
TOPICS = ("confirm-publication", "mark-publication-failed")


def topics(container: Container) -> list[Topic]:
    steps = OfferingSagaSteps(container.offerings)
    return [
        Topic(TOPICS[0], steps.confirm),
        # Compensation must not give up: it retries for about an hour, then an incident.
        Topic(TOPICS[1], steps.mark_failed, max_attempts=120, exhausted="incident"),
    ]


def sweeper(container: Container) -> BackgroundJob:
    starter = container.starter
    if starter is None:
        raise RuntimeError("the saga worker needs CAMUNDA_URL")

    async def sweep(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await starter.sweep()
            except Exception:
                logger.exception("starting due sagas failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SWEEP_INTERVAL)

    return sweep


async def serve() -> None:
    container = bootstrap(OfferingSettings())
    try:
        await run_task_worker(
            container.settings,
            topics(container),
            database=container.engine,
            background=[sweeper(container)],
        )
    finally:
        await container.aclose()


def main() -> None:
    asyncio.run(serve())


if __name__ == "__main__":
    main()
