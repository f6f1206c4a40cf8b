"""Starting publication sagas reliably: the outbox pattern applied to the process engine.

``publish`` writes a `PublicationRequest` in the same transaction as the offering's move to
PUBLISHING, so a crash between the two cannot lose the start. Right after the commit the
API starts the saga (the fast path, ≈ one engine call, beside the response: `FastPath`);
whatever it could not start — the engine down, the process killed in between — the saga
worker's `PublicationStarter.sweep` starts later, with growing delays. A request the engine
has refused for ``START_DEADLINE`` fails its publication (back to DRAFT with a reason), so
nothing stays PUBLISHING because the engine was away.

Each request is claimed (row lock, skipping locked rows) for the duration of its start, so
two starters never start one saga together; a start that may already have happened (a
retry, a crash after the engine answered) is first looked up in the engine by the saga id.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from catalog_chassis.messaging.backoff import Backoff
from offering_service.domain.model import IllegalTransition, Offering

logger = logging.getLogger(__name__)

PROCESS_KEY = "offering-publication-saga"
# A request not started by then (engine unavailable throughout) fails its publication.
START_DEADLINE = timedelta(minutes=10)
# The API's fast path has this long before the sweeper considers a request its own.
FAST_PATH_GRACE = timedelta(seconds=5)
# Starts the API runs at once (each holds one of its database connections while it waits for
# the engine): a small share of its pool.
FAST_PATH_LIMIT = 4
START_BACKOFF = Backoff(initial=2.0, factor=2.0, maximum=60.0, jitter=0.2)
SWEEP_BATCH = 50
ENGINE_UNAVAILABLE = (
    "The publication could not be started because the publication engine was unavailable "
    f"for {int(START_DEADLINE.total_seconds() // 60)} minutes; try publishing again later."
)


@dataclass(frozen=True)
class PublicationRequest:
    """One saga to start: its id, the offering (the business key) and its start variables."""

    saga_id: uuid.UUID
    offering_id: uuid.UUID
    variables: Mapping[str, Any]
    requested_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    attempts: int = 0

    @classmethod
    def for_offering(
        cls, offering: Offering, *, trace_headers: Mapping[str, str], correlation_id: str | None
    ) -> PublicationRequest:
        if offering.saga_id is None:
            raise ValueError("only an offering being published has a saga")
        return cls(
            saga_id=offering.saga_id,
            offering_id=offering.id,
            variables={
                "offeringId": str(offering.id),
                "sagaId": str(offering.saga_id),
                "offeringName": offering.name,
                "specificationIds": [str(sid) for sid in offering.specification_ids],
                "priceIds": [str(pid) for pid in offering.price_ids],
                "traceparent": trace_headers.get("traceparent", ""),
                "correlationid": correlation_id or "",
            },
        )

    def overdue(self, now: datetime) -> bool:
        return now - self.requested_at >= START_DEADLINE


class PublicationRequests(Protocol):
    """The requests, in the unit of work that changes the offering."""

    async def add(self, request: PublicationRequest) -> None: ...


class Claim(Protocol):
    """A request held by one starter until the claim ends (its transaction commits)."""

    request: PublicationRequest

    async def done(self) -> None:
        """The saga started (or the publication failed): the request is removed."""
        ...

    async def later(self, at: datetime, error: str) -> None:
        """Try again at ``at``; ``error`` says why not now."""
        ...


class PublicationQueue(Protocol):
    def claim(self, saga_id: uuid.UUID) -> AbstractAsyncContextManager[Claim | None]:
        """The request, locked for this starter; None if gone or claimed by another."""
        ...

    async def due(self, now: datetime, limit: int) -> list[uuid.UUID]:
        """Requests whose next attempt is due, oldest first."""
        ...


class SagaEngine(Protocol):
    async def start(self, request: PublicationRequest) -> None:
        """Start the saga's process instance (business key: the offering id)."""
        ...

    async def started(self, request: PublicationRequest) -> bool:
        """Whether an instance of this saga exists (running or finished)."""
        ...


class PublicationFailer(Protocol):
    async def fail_publication(
        self, offering_id: uuid.UUID, saga_id: uuid.UUID, reason: str
    ) -> Offering: ...


@dataclass
class PublicationStarter:
    queue: PublicationQueue
    engine: SagaEngine
    offerings: PublicationFailer
    backoff: Backoff = START_BACKOFF

    async def start(self, saga_id: uuid.UUID, *, now: datetime | None = None) -> bool:
        """Start the saga of a request, unless another starter holds it or it is gone;
        whether it was started now. Engine errors are recorded on the request (which the
        sweeper retries) and not raised."""
        async with self.queue.claim(saga_id) as claim:
            if claim is None:
                return False
            return await self._start(claim, now or datetime.now(UTC))

    async def sweep(self, *, now: datetime | None = None) -> int:
        """Start every due request; how many were started."""
        moment = now or datetime.now(UTC)
        started = 0
        for saga_id in await self.queue.due(moment, SWEEP_BATCH):
            async with self.queue.claim(saga_id) as claim:
                if claim is not None and await self._start(claim, moment, check=True):
                    started += 1
        return started

    async def _start(self, claim: Claim, now: datetime, *, check: bool = False) -> bool:
        request = claim.request
        try:
            if (check or request.attempts > 0) and await self.engine.started(request):
                logger.info("saga %s had already started", request.saga_id)
                await claim.done()
                return False
            await self.engine.start(request)
        except Exception as error:
            if request.overdue(now):
                logger.error("saga %s could not start in time: %r", request.saga_id, error)
                await self._give_up(request)
                await claim.done()
                return False
            delay = self.backoff.delay(request.attempts + 1)
            logger.warning(
                "could not start saga %s (attempt %d), retrying in %.0fs: %r",
                request.saga_id,
                request.attempts + 1,
                delay,
                error,
            )
            await claim.later(now + timedelta(seconds=delay), repr(error)[:2000])
            return False
        await claim.done()
        logger.info("saga %s of offering %s started", request.saga_id, request.offering_id)
        return True

    async def _give_up(self, request: PublicationRequest) -> None:
        try:
            await self.offerings.fail_publication(
                request.offering_id, request.saga_id, ENGINE_UNAVAILABLE
            )
        except IllegalTransition as already:
            # Someone ended it meanwhile (a saga that did start after all): nothing to undo.
            logger.info("publication of saga %s already ended: %s", request.saga_id, already)


class FastPath:
    """The API's fast path, beside the response: the request is committed when ``publish``
    returns, so the client gets its 202 at once and the engine call runs on its own task. A
    busy engine can take seconds to start a process, longer than the edge waits for an
    answer: the client would get a 503 for a publication that was accepted. A start this
    process does not finish (it stops, the engine fails) is the sweeper's, as before.

    A start holds a database connection for as long as the engine takes (its claim is a row
    lock), so at most ``limit`` run at once; the others wait for a place holding nothing.
    Unbounded, twenty publications at once on a slow engine took every connection of the
    API's pool, and the requests behind them (the publications themselves) waited past the
    edge's timeout."""

    def __init__(
        self, start: Callable[[uuid.UUID], Awaitable[object]], *, limit: int = FAST_PATH_LIMIT
    ) -> None:
        self._start = start
        self._places = asyncio.Semaphore(limit)
        self._running: set[asyncio.Task[object]] = set()

    async def __call__(self, saga_id: uuid.UUID) -> None:
        # The task copies this request's context: its correlation id and trace.
        task = asyncio.create_task(self._run(saga_id), name=f"start saga {saga_id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, saga_id: uuid.UUID) -> object:
        try:
            async with self._places:
                return await self._start(saga_id)
        except Exception:
            logger.exception("saga %s: the fast path failed; the sweeper starts it", saga_id)
            return False

    @property
    def running(self) -> int:
        return len(self._running)

    async def drain(self, within: float) -> None:
        """Let the starts under way finish (at shutdown), for at most ``within`` seconds;
        the rest are cancelled and left to the sweeper."""
        if not self._running:
            return
        _, pending = await asyncio.wait(set(self._running), timeout=within)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
