"""The saga worker process: `python -m specification_service.entrypoints.saga_worker`.

Serves the specification's step of the publication saga: `validate-specifications`.
"""

from __future__ import annotations

import asyncio

from catalog_chassis.workflow.process import run_task_worker
from catalog_chassis.workflow.worker import Topic
from specification_service.application.saga_steps import SpecificationSagaSteps
from specification_service.bootstrap import Container, bootstrap
from specification_service.config import SpecificationSettings

# The topics of bpmn/offering-publication-saga.bpmn this service serves.
TOPICS = ("validate-specifications",)


def topics(container: Container) -> list[Topic]:
    steps = SpecificationSagaSteps(container.specifications)
    return [Topic(TOPICS[0], steps.validate_specifications)]


async def serve() -> None:
    container = bootstrap(SpecificationSettings())
    try:
        await run_task_worker(container.settings, topics(container), database=container.engine)
    finally:
        await container.aclose()


def main() -> None:
    asyncio.run(serve())


if __name__ == "__main__":
    main()
