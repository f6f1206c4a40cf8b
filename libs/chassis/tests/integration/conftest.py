"""Fixtures for the chassis integration tests (real Postgres and RabbitMQ)."""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

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


# --- a service's Alembic setup made of the chassis helpers (one revision: the chassis tables)

ALEMBIC_INI = """\
[alembic]
script_location = %(here)s/migrations

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(levelname)s %(message)s
"""

ENV_PY = """\
from catalog_chassis.db import chassis_metadata
from catalog_chassis.migrations import run_migrations

run_migrations(chassis_metadata)
"""

FIRST_REVISION = '''\
"""chassis tables"""
from alembic import op

from catalog_chassis.migrations import create_chassis_tables, drop_chassis_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_chassis_tables(op)


def downgrade() -> None:
    drop_chassis_tables(op)
'''


@pytest.fixture
def service_dir(tmp_path: Path) -> Path:
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    (tmp_path / "alembic.ini").write_text(ALEMBIC_INI)
    (tmp_path / "migrations" / "env.py").write_text(ENV_PY)
    (versions / "0001_chassis.py").write_text(textwrap.dedent(FIRST_REVISION))
    return tmp_path
