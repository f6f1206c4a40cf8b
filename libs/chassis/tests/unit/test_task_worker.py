"""The external-task worker against a scripted engine: what each handler outcome reports,
how retries count down, what happens when they run out, concurrency, locks and traces."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from catalog_chassis.context import get_correlation_id
from catalog_chassis.messaging.backoff import Backoff
from catalog_chassis.workflow.engine import EngineRejected, EngineUnavailable
from catalog_chassis.workflow.tasks import BusinessError, ExternalTask
from catalog_chassis.workflow.worker import TECHNICAL_FAILURE, TaskWorker, Topic

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{TRACE_ID}-b7ad6b7169203331-01"


def task(topic: str = "lock-prices", *, retries: int | None = None, **variables) -> ExternalTask:
    return ExternalTask(
        id=f"task-{topic}-{retries}-{len(variables)}",
        topic=topic,
        worker_id="w1",
        process_instance_id="pi-1",
        process_definition_key="offering-publication-saga",
        business_key="offering-1",
        variables=variables,
        retries=retries,
    )


class ScriptedEngine:
    """Hands out the given batches of tasks, one per fetch, then waits; records reports."""

    def __init__(self, *batches: list[ExternalTask], unavailable: int = 0) -> None:
        self.batches = list(batches)
        self.unavailable = unavailable
        self.reports: list[tuple] = []
        self.fetches: list[int] = []
        self.reported = asyncio.Event()
        self.expected_reports = 1
        self.reject_reports = False

    async def fetch_and_lock(self, worker_id, topics, *, max_tasks, long_poll_ms):
        self.fetches.append(max_tasks)
        if self.unavailable:
            self.unavailable -= 1
            raise EngineUnavailable("engine down")
        if self.batches:
            return self.batches.pop(0)[:max_tasks]
        await asyncio.sleep(3600)
        return []

    def _record(self, *report) -> None:
        if self.reject_reports:
            raise EngineRejected(404, "no such task")
        self.reports.append(report)
        if len(self.reports) >= self.expected_reports:
            self.reported.set()

    async def complete(self, task, variables=None):
        self._record("complete", task.id, dict(variables or {}))

    async def bpmn_error(self, task, code, message, variables=None):
        self._record("bpmnError", task.id, code, message)

    async def failure(self, task, message, *, details, retries, retry_ms):
        self._record("failure", task.id, retries, retry_ms, message)

    async def extend_lock(self, task, duration_ms):
        self.reports.append(("extendLock", task.id, duration_ms))


async def run_until_reported(worker: TaskWorker, engine: ScriptedEngine, expected: int = 1):
    engine.expected_reports = expected
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    await asyncio.wait_for(engine.reported.wait(), 5)
    stop.set()
    await asyncio.wait_for(running, 5)


def worker_for(engine, *topics: Topic, concurrency: int = 4) -> TaskWorker:
    return TaskWorker(
        engine,  # type: ignore[arg-type]
        topics,
        worker_id="w1",
        concurrency=concurrency,
        long_poll_ms=1000,
        poll_backoff=Backoff(initial=0.01, maximum=0.01),
    )


async def test_a_handler_that_returns_completes_the_task_with_its_variables():
    engine = ScriptedEngine([task()])

    async def handler(t):
        return {"locked": 2}

    await run_until_reported(worker_for(engine, Topic("lock-prices", handler)), engine)

    assert engine.reports == [("complete", task().id, {"locked": 2})]


async def test_a_business_error_becomes_a_bpmn_error_with_its_code_and_reason():
    engine = ScriptedEngine([task()])

    async def handler(t):
        raise BusinessError("price-locked", "The price 'Monthly' is locked")

    await run_until_reported(worker_for(engine, Topic("lock-prices", handler)), engine)

    assert engine.reports == [
        ("bpmnError", task().id, "price-locked", "The price 'Monthly' is locked")
    ]


async def test_a_first_technical_failure_reports_the_retries_left_and_a_delay():
    engine = ScriptedEngine([task()])

    async def handler(t):
        raise ConnectionError("database down")

    topic = Topic(
        "lock-prices", handler, max_attempts=4, retry_backoff=Backoff(initial=2, factor=3)
    )
    await run_until_reported(worker_for(engine, topic), engine)

    [(kind, _, retries, retry_ms, message)] = engine.reports
    assert (kind, retries, retry_ms) == ("failure", 3, 2000)
    assert "attempt 1 of 4" in message and "database down" in message


async def test_later_failures_count_down_from_what_the_engine_says_is_left():
    engine = ScriptedEngine([task(retries=2)])

    async def handler(t):
        raise ConnectionError("database down")

    topic = Topic(
        "lock-prices", handler, max_attempts=4, retry_backoff=Backoff(initial=2, factor=3)
    )
    await run_until_reported(worker_for(engine, topic), engine)

    [(kind, _, retries, retry_ms, message)] = engine.reports
    assert (kind, retries, retry_ms) == ("failure", 1, 18000)
    assert "attempt 3 of 4" in message


async def test_a_saga_step_out_of_retries_ends_in_a_technical_bpmn_error():
    engine = ScriptedEngine([task(retries=1)])

    async def handler(t):
        raise ConnectionError("database down")

    await run_until_reported(worker_for(engine, Topic("lock-prices", handler)), engine)

    [(kind, _, code, reason)] = engine.reports
    assert (kind, code) == ("bpmnError", TECHNICAL_FAILURE)
    assert "lock-prices" in reason and "database down" in reason


async def test_a_compensation_step_out_of_retries_leaves_an_incident():
    engine = ScriptedEngine([task("unlock-prices", retries=1)])

    async def handler(t):
        raise ConnectionError("database down")

    topic = Topic("unlock-prices", handler, exhausted="incident")
    await run_until_reported(worker_for(engine, topic), engine)

    [(kind, _, retries, _, _)] = engine.reports
    assert (kind, retries) == ("failure", 0)


async def test_tasks_run_concurrently_up_to_the_limit():
    batch = [task(n=i) for i in range(3)]
    engine = ScriptedEngine(batch)
    gate = asyncio.Event()
    running = 0
    peak = 0

    async def handler(t):
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        if running == 3:
            gate.set()
        await asyncio.wait_for(gate.wait(), 5)
        running -= 1
        return None

    await run_until_reported(
        worker_for(engine, Topic("lock-prices", handler), concurrency=4), engine, expected=3
    )

    assert peak == 3
    assert engine.fetches[0] == 4  # asked for as many tasks as it had free slots


async def test_a_full_worker_asks_for_no_more_than_its_free_slots():
    engine = ScriptedEngine([task(n=1), task(n=2)], [task(n=3)])
    release = asyncio.Event()

    async def handler(t):
        if t.variables["n"] != 3:
            await asyncio.wait_for(release.wait(), 5)
        else:
            release.set()
        return None

    await run_until_reported(
        worker_for(engine, Topic("lock-prices", handler), concurrency=3), engine, expected=3
    )

    assert engine.fetches[:2] == [3, 1]


async def test_long_work_keeps_its_lock():
    engine = ScriptedEngine([task()])

    async def handler(t):
        await asyncio.sleep(0.25)
        return None

    topic = Topic("lock-prices", handler, lock_duration_ms=200)
    await run_until_reported(worker_for(engine, topic), engine, expected=1)

    extensions = [r for r in engine.reports if r[0] == "extendLock"]
    assert extensions and extensions[0][2] == 200


async def test_an_unavailable_engine_is_polled_again():
    engine = ScriptedEngine([task()], unavailable=2)

    async def handler(t):
        return None

    await run_until_reported(worker_for(engine, Topic("lock-prices", handler)), engine)

    # Two failed polls, then the one that brought the task.
    assert engine.unavailable == 0 and len(engine.fetches) >= 3
    assert engine.reports[-1][0] == "complete"


async def test_a_report_the_engine_rejects_does_not_stop_the_worker():
    engine = ScriptedEngine([task(n=1)], [task(n=2)])
    engine.reject_reports = True
    handled: list[int] = []
    both = asyncio.Event()

    async def handler(t):
        handled.append(t.variables["n"])
        if len(handled) == 2:
            both.set()
        return None

    stop = asyncio.Event()
    running = asyncio.create_task(worker_for(engine, Topic("lock-prices", handler)).run(stop))
    await asyncio.wait_for(both.wait(), 5)
    stop.set()
    await asyncio.wait_for(running, 5)
    assert handled == [1, 2]


async def test_stopping_ends_a_pending_long_poll_at_once():
    engine = ScriptedEngine()

    async def handler(t):
        return None

    stop = asyncio.Event()
    running = asyncio.create_task(worker_for(engine, Topic("lock-prices", handler)).run(stop))
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(running, 1)


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    import catalog_chassis.workflow.worker as worker_module

    original = worker_module.tracer
    worker_module.tracer = tracer
    yield exporter
    worker_module.tracer = original


async def test_a_task_continues_the_trace_and_correlation_id_the_process_carries(spans):
    engine = ScriptedEngine([task(traceparent=TRACEPARENT, correlationid="corr-42")])
    seen: list[tuple[str, str | None]] = []

    async def handler(t):
        context = trace.get_current_span().get_span_context()
        seen.append((format(context.trace_id, "032x"), get_correlation_id()))
        return None

    await run_until_reported(worker_for(engine, Topic("lock-prices", handler)), engine)

    assert seen == [(TRACE_ID, "corr-42")]
    [span] = spans.get_finished_spans()
    assert span.name == "SAGA offering-publication-saga lock-prices"
    assert format(span.context.trace_id, "032x") == TRACE_ID
    assert span.parent is not None and format(span.parent.span_id, "016x") == "b7ad6b7169203331"


def test_a_worker_needs_a_topic():
    with pytest.raises(ValueError, match="at least one topic"):
        TaskWorker(ScriptedEngine(), [], worker_id="w1")  # type: ignore[arg-type]
