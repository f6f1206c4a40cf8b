"""The saga worker process: `python -m pricing_service.entrypoints.saga_worker`.

Serves pricing's steps of the publication saga: `lock-prices`, and its compensation
`unlock-prices`.
"""

from __future__ import annotations

import asyncio

from catalog_chassis.workflow.process import run_task_worker
from catalog_chassis.workflow.worker import Topic
from pricing_service.application.saga_steps import PricingSagaSteps
from pricing_service.bootstrap import Container, bootstrap
from pricing_service.config import PricingSettings

# The topics of bpmn/offering-publication-saga.bpmn this service serves.
TOPICS = ("lock-prices", "unlock-prices")


def topics(container: Container) -> list[Topic]:
    steps = PricingSagaSteps(container.prices)
    return [
        Topic(TOPICS[0], steps.lock_prices),
        # Compensation must not give up: it retries for about an hour, then an incident.
        Topic(TOPICS[1], steps.unlock_prices, max_attempts=120, exhausted="incident"),
    ]


async def serve() -> None:
    container = bootstrap(PricingSettings())
    try:
        await run_task_worker(container.settings, topics(container), database=container.engine)
    finally:
        await container.engine.dispose()


def main() -> None:
    asyncio.run(serve())


if __name__ == "__main__":
    main()
