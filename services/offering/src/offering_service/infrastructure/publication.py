"""The publication requests in SQL, and the saga on the process engine."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog_chassis.workflow.engine import EngineClient
from offering_service.application.publication import (
    FAST_PATH_GRACE,
    PROCESS_KEY,
    PublicationRequest,
)
from offering_service.infrastructure.tables import PublicationRequestRow

tracer = trace.get_tracer(__name__)
REQUESTS = PublicationRequestRow.__table__  # type: ignore[attr-defined]


class SqlPublicationRequests:
    """Adds requests in the unit of work's transaction (with the offering's change)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, request: PublicationRequest) -> None:
        await self._session.execute(
            REQUESTS.insert().values(
                saga_id=request.saga_id,
                offering_id=request.offering_id,
                variables=dict(request.variables),
                requested_at=request.requested_at,
                attempts=request.attempts,
                next_attempt_at=request.requested_at + FAST_PATH_GRACE,
            )
        )


class SqlClaim:
    def __init__(self, session: AsyncSession, request: PublicationRequest) -> None:
        self._session = session
        self.request = request

    async def done(self) -> None:
        await self._session.execute(
            delete(REQUESTS).where(REQUESTS.c.saga_id == self.request.saga_id)
        )

    async def later(self, at: datetime, error: str) -> None:
        await self._session.execute(
            update(REQUESTS)
            .where(REQUESTS.c.saga_id == self.request.saga_id)
            .values(attempts=REQUESTS.c.attempts + 1, next_attempt_at=at, last_error=error)
        )


class SqlPublicationQueue:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @asynccontextmanager
    async def claim(self, saga_id: uuid.UUID) -> AsyncIterator[SqlClaim | None]:
        """One transaction per claim: the row stays locked until it commits."""
        async with self._sessions() as session, session.begin():
            row = (
                await session.execute(
                    select(REQUESTS)
                    .where(REQUESTS.c.saga_id == saga_id)
                    .with_for_update(skip_locked=True)
                )
            ).first()
            if row is None:
                yield None
                return
            yield SqlClaim(
                session,
                PublicationRequest(
                    saga_id=row.saga_id,
                    offering_id=row.offering_id,
                    variables=row.variables,
                    requested_at=row.requested_at,
                    attempts=row.attempts,
                ),
            )

    async def due(self, now: datetime, limit: int) -> list[uuid.UUID]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(REQUESTS.c.saga_id)
                .where(REQUESTS.c.next_attempt_at <= now)
                .order_by(REQUESTS.c.next_attempt_at)
                .limit(limit)
            )
            return list(rows.scalars())


class EngineSaga:
    """The saga as an instance of the process ``offering-publication-saga``."""

    def __init__(self, engine: EngineClient, process_key: str = PROCESS_KEY) -> None:
        self._engine = engine
        self._process_key = process_key

    async def start(self, request: PublicationRequest) -> None:
        span = f"SAGA {self._process_key} start"
        with tracer.start_as_current_span(span, kind=SpanKind.PRODUCER):
            await self._engine.start_process(
                self._process_key,
                business_key=str(request.offering_id),
                variables=request.variables,
            )

    async def started(self, request: PublicationRequest) -> bool:
        count = await self._engine.count_instances(
            str(request.offering_id), sagaId=str(request.saga_id)
        )
        return count > 0
