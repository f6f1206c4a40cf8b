"""Fixtures for the chassis integration tests (real Postgres and RabbitMQ)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalog_chassis.db import create_engine, create_session_factory
from catalog_chassis.domain import Aggregate, DomainEvent
from catalog_testing import chassis_database_url, rabbitmq_url

__all__ = ["chassis_database_url", "rabbitmq_url"]


@pytest.fixture
async def engine(chassis_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(chassis_database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


class Widget(Aggregate):
    """A minimal aggregate that records a ``widget.created`` event when made."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.id = str(uuid.uuid4())
        self.name = name
        self.record(
            DomainEvent(
                aggregate_type="widget",
                action="created",
                type="WidgetCreated",
                aggregate_id=self.id,
                data={"id": self.id, "name": name, "version": 1},
            )
        )


@pytest.fixture
def new_widget() -> Callable[[str], Widget]:
    return Widget
