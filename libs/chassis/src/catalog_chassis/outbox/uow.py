"""The unit of work: one transaction for the change and the events it raised (outbox)."""

from __future__ import annotations

import uuid
from typing import Any, Self, TypeVar

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog_chassis.context import get_correlation_id
from catalog_chassis.db import admission, outbox_table
from catalog_chassis.domain import Aggregate, DomainEvent
from catalog_chassis.messaging.cloudevents import cloud_event_from
from catalog_chassis.propagation import current_trace_headers

AggregateT = TypeVar("AggregateT", bound=Aggregate)


def outbox_row(event: DomainEvent, *, service: str) -> dict[str, Any]:
    cloud_event = cloud_event_from(event, service=service, correlation_id=get_correlation_id())
    return {
        "id": uuid.uuid4(),
        "event_id": cloud_event.id,
        "aggregate_type": event.aggregate_type,
        "aggregate_id": event.aggregate_id,
        "event_type": event.type,
        "routing_key": event.routing_key,
        "payload": cloud_event.to_json_dict(),
        "headers": current_trace_headers(),
    }


class SqlAlchemyUnitOfWork:
    """Async context manager around one session; rolls back unless :meth:`commit` is called.

    Repositories hand the aggregates they load or add to :meth:`track`; :meth:`commit`
    collects their new events and inserts them as outbox rows in the same transaction as
    the change, so an event is published if and only if the change committed.

    Services subclass it to expose their repositories::

        class CharacteristicUnitOfWork(SqlAlchemyUnitOfWork):
            async def __aenter__(self) -> Self:
                await super().__aenter__()
                self.characteristics = SqlCharacteristicRepository(self.session, self.track)
                return self
    """

    session: AsyncSession

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], *, service: str) -> None:
        self._session_factory = session_factory
        self._admission = admission(session_factory)
        self.service = service
        self._tracked: list[Aggregate] = []

    async def __aenter__(self) -> Self:
        # In turn, one place per pooled connection (see db.Admission).
        if self._admission is not None:
            await self._admission.enter()
        self.session = self._session_factory()
        self._tracked = []
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        # As wide as the services' UnitOfWork ports (``*exc_info: object``), which it implements.
        try:
            # A no-op after commit; otherwise discards the change and its events together.
            await self.rollback()
        finally:
            try:
                await self.session.close()
            finally:
                if self._admission is not None:
                    self._admission.leave()

    async def read_only(self) -> None:
        """Declare, before the first statement, that this unit of work only reads: each
        statement then runs on its own (autocommit), one round trip, with no BEGIN and no
        ROLLBACK around it. Nothing may be written (a commit would have nothing to commit)."""
        await self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    def track(self, aggregate: AggregateT) -> AggregateT:
        if not any(tracked is aggregate for tracked in self._tracked):
            self._tracked.append(aggregate)
        return aggregate

    def collect_new_events(self) -> list[DomainEvent]:
        return [event for aggregate in self._tracked for event in aggregate.collect_events()]

    async def commit(self) -> None:
        events = self.collect_new_events()
        if events:
            await self.session.execute(
                insert(outbox_table), [outbox_row(event, service=self.service) for event in events]
            )
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
