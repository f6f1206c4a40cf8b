"""External-task workers: the services' side of a process running on the engine.

A `TaskWorker` long-polls ``fetchAndLock`` for its topics and runs each task's handler
concurrently (up to ``concurrency`` at once), then reports the outcome:

- the handler returns (optionally variables to set) → ``complete``;
- it raises `BusinessError` (the step cannot succeed: a price locked by another
  publication, a specification gone) → ``bpmnError`` with the code and a reason a person
  can act on; the process decides what follows (compensation);
- it raises anything else (a database or service unavailable) → ``failure`` with the
  retries left and a growing delay, so the engine hands the task out again later. When the
  retries of a topic run out, a topic with ``exhausted="error"`` ends in a ``bpmnError``
  (``technical-failure``) so its process compensates instead of stopping in an incident;
  a compensation step (``exhausted="incident"``) ends in an incident an operator resolves.

Handlers must be idempotent: a task whose lock expired (a crashed or slow worker) is handed
out again, and the engine forgets nothing a worker completed. Long work keeps its lock: the
lock is extended every half lock duration while the handler runs.

Every task continues the trace whose ``traceparent`` the process carries, in a span named
``SAGA <process key> <topic>``, with the process's ``correlationid`` as correlation id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Counter, Histogram

from catalog_chassis.context import reset_correlation_id, set_correlation_id
from catalog_chassis.messaging.backoff import Backoff
from catalog_chassis.workflow.engine import (
    EngineClient,
    EngineRejected,
    EngineUnavailable,
    TopicSubscription,
)
from catalog_chassis.workflow.tasks import BusinessError, ExternalTask

logger = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

TRACEPARENT = "traceparent"
CORRELATION_ID = "correlationid"
TECHNICAL_FAILURE = "technical-failure"

RETRY_BACKOFF = Backoff(initial=1.0, factor=2.0, maximum=30.0)

TASKS = Counter(
    "saga_tasks_total",
    "External tasks handled, by topic and outcome "
    "(completed, business_error, retried, gave_up, report_refused).",
    ["topic", "outcome"],
)
TASK_DURATION = Histogram(
    "saga_task_duration_seconds",
    "Time from fetching an external task to reporting its outcome, by topic.",
    ["topic"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)

TaskHandler = Callable[[ExternalTask], Awaitable[Mapping[str, Any] | None]]


@dataclass(frozen=True)
class Topic:
    """One topic a worker serves and how its technical failures are retried."""

    name: str
    handler: TaskHandler
    # Short, and extended while the work runs: a task locked by a worker that died (even by
    # a long poll the engine answered just as the worker died) is free again this soon.
    lock_duration_ms: int = 10_000
    max_attempts: int = 5
    retry_backoff: Backoff = RETRY_BACKOFF
    # What happens when the attempts run out: "error" → bpmnError technical-failure (the
    # process compensates); "incident" → the engine's incident (compensation steps).
    exhausted: Literal["error", "incident"] = "error"
    variables: Sequence[str] | None = None

    def subscription(self) -> TopicSubscription:
        return TopicSubscription(self.name, self.lock_duration_ms, self.variables)


POLL_BACKOFF = Backoff(initial=0.5, factor=2.0, maximum=15.0, jitter=0.2)


def default_worker_id(service: str) -> str:
    return f"{service}-{socket.gethostname()}-{os.getpid()}"


class TaskWorker:
    def __init__(
        self,
        engine: EngineClient,
        topics: Sequence[Topic],
        *,
        worker_id: str,
        concurrency: int = 8,
        long_poll_ms: int = 20_000,
        poll_backoff: Backoff = POLL_BACKOFF,
    ) -> None:
        if not topics:
            raise ValueError("a worker needs at least one topic")
        self.engine = engine
        self.topics = {topic.name: topic for topic in topics}
        self.worker_id = worker_id
        self.concurrency = concurrency
        self.long_poll_ms = long_poll_ms
        self.poll_backoff = poll_backoff
        self._slots = asyncio.Semaphore(concurrency)
        self._running: set[asyncio.Task[None]] = set()

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch and handle tasks until ``stop`` is set, then finish the tasks in hand."""
        names = ", ".join(self.topics)
        logger.info("worker %s serving %s", self.worker_id, names)
        subscriptions = [topic.subscription() for topic in self.topics.values()]
        failures = 0
        try:
            while not stop.is_set():
                await self._slots.acquire()
                free = 1
                while free < self.concurrency and not self._slots.locked():
                    await self._slots.acquire()
                    free += 1
                try:
                    tasks = await self._fetch(subscriptions, free, stop)
                except EngineUnavailable as error:
                    failures += 1
                    delay = self.poll_backoff.delay(failures)
                    logger.warning(
                        "engine unavailable (attempt %d), polling again in %.1fs: %s",
                        failures,
                        delay,
                        error,
                    )
                    self._release(free)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), delay)
                    continue
                failures = 0
                self._release(free - len(tasks))
                for task in tasks:
                    running = asyncio.create_task(self._handle(task))
                    self._running.add(running)
                    running.add_done_callback(self._finished)
        finally:
            if self._running:
                await asyncio.gather(*self._running, return_exceptions=True)

    async def _fetch(
        self, subscriptions: list[TopicSubscription], free: int, stop: asyncio.Event
    ) -> list[ExternalTask]:
        """One long poll, given up as soon as ``stop`` is set."""
        poll = asyncio.create_task(
            self.engine.fetch_and_lock(
                self.worker_id, subscriptions, max_tasks=free, long_poll_ms=self.long_poll_ms
            )
        )
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({poll, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not poll.done():
            poll.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poll
            return []
        return poll.result()

    def _release(self, count: int) -> None:
        for _ in range(count):
            self._slots.release()

    def _finished(self, running: asyncio.Task[None]) -> None:
        self._running.discard(running)
        self._slots.release()

    async def _handle(self, task: ExternalTask) -> None:
        topic = self.topics[task.topic]
        parent = propagate.extract({TRACEPARENT: str(task.variables.get(TRACEPARENT) or "")})
        correlation = set_correlation_id(_optional_str(task.variables.get(CORRELATION_ID)))
        name = f"SAGA {task.process_definition_key} {task.topic}"
        try:
            with tracer.start_as_current_span(name, context=parent, kind=SpanKind.CONSUMER) as span:
                span.set_attribute("bpmn.process_instance_id", task.process_instance_id)
                span.set_attribute("bpmn.business_key", task.business_key or "")
                span.set_attribute("bpmn.topic", task.topic)
                if task.error_message:
                    span.set_attribute("bpmn.previous_error", task.error_message)
                    logger.info(
                        "retrying task %s (%s) after: %s", task.id, task.topic, task.error_message
                    )
                await self._outcome(topic, task, span)
        except Exception:  # a report to the engine failed: the lock expires, the task returns
            logger.exception("could not report task %s (%s) to the engine", task.id, task.topic)
        finally:
            reset_correlation_id(correlation)

    async def _outcome(self, topic: Topic, task: ExternalTask, span: trace.Span) -> None:
        with TASK_DURATION.labels(task.topic).time():
            try:
                async with self._lock_kept(topic, task):
                    variables = await topic.handler(task)
            except BusinessError as error:
                span.set_attribute("bpmn.error_code", error.code)
                logger.info("task %s (%s) failed: %s: %s", task.id, task.topic, error.code, error)
                await self._report(
                    task, "business_error", self.engine.bpmn_error(task, error.code, error.reason)
                )
                return
            except Exception as error:
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR, repr(error)))
                await self._retry_or_give_up(topic, task, error)
                return
            await self._report(task, "completed", self.engine.complete(task, variables))

    async def _retry_or_give_up(self, topic: Topic, task: ExternalTask, error: Exception) -> None:
        retries = (topic.max_attempts if task.retries is None else task.retries) - 1
        attempt = topic.max_attempts - retries
        message = f"{task.topic} failed (attempt {attempt} of {topic.max_attempts}): {error}"
        if retries > 0:
            delay = topic.retry_backoff.delay(attempt)
            logger.warning("%s; retrying in %.1fs", message, delay)
            await self._report(
                task,
                "retried",
                self.engine.failure(
                    task,
                    message,
                    details=_details(error),
                    retries=retries,
                    retry_ms=int(delay * 1000),
                ),
            )
        elif topic.exhausted == "error":
            logger.error("%s; giving up: the process compensates", message)
            reason = (
                f"The step '{task.topic}' kept failing after {topic.max_attempts} attempts "
                f"({error}); try again later."
            )
            await self._report(
                task, "gave_up", self.engine.bpmn_error(task, TECHNICAL_FAILURE, reason)
            )
        else:
            logger.error("%s; giving up: an incident awaits an operator", message)
            await self._report(
                task,
                "gave_up",
                self.engine.failure(task, message, details=_details(error), retries=0, retry_ms=0),
            )

    @staticmethod
    async def _report(task: ExternalTask, outcome: str, report: Awaitable[None]) -> None:
        try:
            await report
        except EngineRejected as rejected:
            # The task is no longer ours (its lock expired and another worker has it, or it
            # was completed or cancelled meanwhile): whoever holds it reports instead.
            logger.warning("the engine did not take the report: %s", rejected)
            outcome = "report_refused"
        TASKS.labels(task.topic, outcome).inc()

    @contextlib.asynccontextmanager
    async def _lock_kept(self, topic: Topic, task: ExternalTask) -> Any:
        async def extend() -> None:
            while True:
                await asyncio.sleep(topic.lock_duration_ms / 2000)
                try:
                    await self.engine.extend_lock(task, topic.lock_duration_ms)
                except (EngineUnavailable, EngineRejected) as error:
                    logger.warning("could not extend the lock of task %s: %s", task.id, error)

        keeper = asyncio.create_task(extend())
        try:
            yield
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper


def _details(error: Exception) -> str:
    return "".join(traceback.format_exception(error))[-4000:]


def _optional_str(value: Any) -> str | None:
    return str(value) if value else None
