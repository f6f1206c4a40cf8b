"""Starting requested sagas: the fast path, retries with growing delays, the check for a
saga that may already have started, and the deadline after which the publication fails."""

from __future__ import annotations

import asyncio
import contextvars
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest

from offering_service.application.publication import (
    ENGINE_UNAVAILABLE,
    START_DEADLINE,
    FastPath,
    PublicationRequest,
    PublicationStarter,
)
from offering_service.domain.model import IllegalTransition, Offering

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def request(*, attempts: int = 0, age: timedelta = timedelta(0)) -> PublicationRequest:
    offering_id = uuid.uuid4()
    return PublicationRequest(
        saga_id=uuid.uuid4(),
        offering_id=offering_id,
        variables={"offeringId": str(offering_id)},
        requested_at=NOW - age,
        attempts=attempts,
    )


class FakeClaim:
    def __init__(self, queue: FakeQueue, request: PublicationRequest) -> None:
        self._queue = queue
        self.request = request

    async def done(self) -> None:
        self._queue.rows.pop(self.request.saga_id)

    async def later(self, at: datetime, error: str) -> None:
        self._queue.rows[self.request.saga_id] = PublicationRequest(
            saga_id=self.request.saga_id,
            offering_id=self.request.offering_id,
            variables=self.request.variables,
            requested_at=self.request.requested_at,
            attempts=self.request.attempts + 1,
        )
        self._queue.next_attempt[self.request.saga_id] = (at, error)


class FakeQueue:
    def __init__(self, *requests: PublicationRequest) -> None:
        self.rows = {r.saga_id: r for r in requests}
        self.next_attempt: dict[uuid.UUID, tuple[datetime, str]] = {}
        self.held: set[uuid.UUID] = set()  # claimed by another starter

    @asynccontextmanager
    async def claim(self, saga_id):
        if saga_id in self.held or saga_id not in self.rows:
            yield None
        else:
            yield FakeClaim(self, self.rows[saga_id])

    async def due(self, now, limit):
        return list(self.rows)[:limit]


class FakeEngine:
    def __init__(self) -> None:
        self.instances: list[uuid.UUID] = []
        self.down = False

    async def start(self, request):
        if self.down:
            raise ConnectionError("engine unreachable")
        self.instances.append(request.saga_id)

    async def started(self, request):
        if self.down:
            raise ConnectionError("engine unreachable")
        return request.saga_id in self.instances


class FakeOfferings:
    def __init__(self, *, ended: bool = False) -> None:
        self.failed: list[tuple[uuid.UUID, uuid.UUID, str]] = []
        self.ended = ended

    async def fail_publication(self, offering_id, saga_id, reason):
        if self.ended:
            raise IllegalTransition("The offering is PUBLISHED, not PUBLISHING")
        self.failed.append((offering_id, saga_id, reason))


def starter(queue, engine, offerings=None) -> PublicationStarter:
    return PublicationStarter(queue, engine, offerings or FakeOfferings())


async def test_the_fast_path_starts_the_saga_and_removes_its_request():
    pending = request()
    queue, engine = FakeQueue(pending), FakeEngine()

    assert await starter(queue, engine).start(pending.saga_id, now=NOW) is True

    assert engine.instances == [pending.saga_id]
    assert queue.rows == {}


async def test_a_request_claimed_by_another_starter_is_left_to_it():
    pending = request()
    queue, engine = FakeQueue(pending), FakeEngine()
    queue.held.add(pending.saga_id)

    assert await starter(queue, engine).start(pending.saga_id, now=NOW) is False
    assert engine.instances == [] and pending.saga_id in queue.rows


async def test_an_unavailable_engine_keeps_the_request_for_a_later_attempt():
    pending = request()
    queue, engine = FakeQueue(pending), FakeEngine()
    engine.down = True

    assert await starter(queue, engine).start(pending.saga_id, now=NOW) is False

    assert queue.rows[pending.saga_id].attempts == 1
    at, error = queue.next_attempt[pending.saga_id]
    assert at > NOW and "engine unreachable" in error


async def test_retries_wait_longer_each_time():
    pending = request(attempts=3)
    queue, engine = FakeQueue(pending), FakeEngine()
    engine.down = True
    first = request(attempts=0)
    queue.rows[first.saga_id] = first

    await starter(queue, engine).sweep(now=NOW)

    assert queue.next_attempt[pending.saga_id][0] > queue.next_attempt[first.saga_id][0]


async def test_the_sweeper_does_not_start_a_saga_the_engine_already_runs():
    pending = request(attempts=1)
    queue, engine = FakeQueue(pending), FakeEngine()
    engine.instances.append(pending.saga_id)  # started, then the process died

    assert await starter(queue, engine).sweep(now=NOW) == 0

    assert engine.instances == [pending.saga_id]
    assert queue.rows == {}


async def test_the_sweeper_starts_every_due_request():
    first, second = request(), request()
    queue, engine = FakeQueue(first, second), FakeEngine()

    assert await starter(queue, engine).sweep(now=NOW) == 2
    assert sorted(engine.instances) == sorted([first.saga_id, second.saga_id])


async def test_past_the_deadline_the_publication_fails_with_a_reason():
    pending = request(attempts=9, age=START_DEADLINE)
    queue, engine, offerings = FakeQueue(pending), FakeEngine(), FakeOfferings()
    engine.down = True

    await starter(queue, engine, offerings).sweep(now=NOW)

    assert offerings.failed == [(pending.offering_id, pending.saga_id, ENGINE_UNAVAILABLE)]
    assert "try publishing again later" in ENGINE_UNAVAILABLE
    assert queue.rows == {}


async def test_a_publication_already_ended_is_not_failed_at_the_deadline():
    pending = request(attempts=9, age=START_DEADLINE + timedelta(minutes=1))
    queue, engine = FakeQueue(pending), FakeEngine()
    engine.down = True

    await starter(queue, engine, FakeOfferings(ended=True)).sweep(now=NOW)

    assert queue.rows == {}


def test_a_request_needs_an_offering_being_published():
    draft = Offering(
        name="x", description=None, specification_ids=[], price_ids=[], sales_channels=[]
    )
    with pytest.raises(ValueError, match="being published"):
        PublicationRequest.for_offering(draft, trace_headers={}, correlation_id=None)


# --- the fast path, beside the response -----------------------------------------------------

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="none")


class GatedStart:
    """A start that waits for :attr:`gate`, recording the context it ran in."""

    def __init__(self, *, fails: bool = False) -> None:
        self.gate = asyncio.Event()
        self.began: list[uuid.UUID] = []
        self.finished: list[tuple[uuid.UUID, str]] = []
        self.fails = fails

    async def __call__(self, saga_id: uuid.UUID) -> bool:
        self.began.append(saga_id)
        await self.gate.wait()
        if self.fails:
            raise RuntimeError("the database went away")
        self.finished.append((saga_id, REQUEST_ID.get()))
        return True


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_the_fast_path_returns_before_the_engine_answers_and_keeps_the_context() -> None:
    start = GatedStart()
    fast_path = FastPath(start)
    saga_id = uuid.uuid4()

    REQUEST_ID.set("request-7")
    await fast_path(saga_id)  # returns at once: the gate is closed
    REQUEST_ID.set("another request")
    await settle()
    assert (start.began, start.finished, fast_path.running) == ([saga_id], [], 1)

    start.gate.set()
    await fast_path.drain(within=5)

    assert start.finished == [(saga_id, "request-7")]
    assert fast_path.running == 0


async def test_a_failed_fast_path_is_logged_and_left_to_the_sweeper(caplog) -> None:
    start = GatedStart(fails=True)
    fast_path = FastPath(start)
    saga_id = uuid.uuid4()

    await fast_path(saga_id)
    start.gate.set()
    await fast_path.drain(within=5)

    assert fast_path.running == 0
    assert f"saga {saga_id}: the fast path failed; the sweeper starts it" in caplog.text


async def test_shutdown_waits_for_starts_under_way_then_cancels_the_rest() -> None:
    start = GatedStart()
    fast_path = FastPath(start)
    await fast_path(uuid.uuid4())
    await settle()

    await fast_path.drain(within=0.05)  # the gate never opens

    assert fast_path.running == 0
    assert start.finished == []


async def test_the_fast_path_runs_at_most_its_limit_of_starts_at_once() -> None:
    start = GatedStart()
    fast_path = FastPath(start, limit=2)
    sagas = [uuid.uuid4() for _ in range(5)]

    for saga_id in sagas:
        await fast_path(saga_id)
    await settle()
    # Two hold the engine (and a database connection each); three wait, holding nothing.
    assert (start.began, fast_path.running) == (sagas[:2], 5)

    start.gate.set()
    await fast_path.drain(within=5)

    assert [saga_id for saga_id, _ in start.finished] == sagas
