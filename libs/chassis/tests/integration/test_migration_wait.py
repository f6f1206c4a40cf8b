"""The migration wait (the init container of a pod whose migration the operator runs) against
a real Postgres: it goes on only once the database is at the image's head."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from catalog_chassis.migration_wait import image_heads, look, wait_for_heads
from catalog_chassis.migrations import CONNECT_WINDOW_ENV, MigrationFailed, upgrade_service
from catalog_testing import throwaway_database

pytestmark = pytest.mark.integration

SECOND_REVISION = '''\
"""a table of the service"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("gadgets", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("gadgets")
'''


@pytest.fixture
def two_revisions(service_dir: Path) -> Path:
    (service_dir / "migrations" / "versions" / "0002_gadgets.py").write_text(SECOND_REVISION)
    return service_dir


async def until(condition: object, within: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_the_wait_goes_on_only_once_the_database_is_at_the_head(
    two_revisions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with throwaway_database("migration_wait") as database_url:
        monkeypatch.setenv("DATABASE_URL", database_url)
        heads, url = image_heads(two_revisions / "alembic.ini")
        reports: list[str] = []
        waiting = asyncio.create_task(
            wait_for_heads(url, heads, interval=0.05, report=reports.append)
        )

        await until(lambda: any("not migrated yet" in r for r in reports))
        assert not waiting.done()
        upgrade_service(two_revisions, database_url, revision="0001")
        await until(lambda: any("at 0001; this image's head is 0002" in r for r in reports))
        assert not waiting.done()
        upgrade_service(two_revisions, database_url)
        reached = await asyncio.wait_for(waiting, timeout=30)

    assert heads == {"0002"}
    assert reached is True
    assert reports[-1] == "the database is at this image's head (0002)"
    # Each change is reported once, not on every look.
    assert len(reports) == len(set(reports)) == 3


async def test_an_unreachable_database_is_an_answer_not_an_error() -> None:
    found = await look("postgresql+asyncpg://nobody:wrong@127.0.0.1:1/none")

    assert found.problem is not None and found.problem.startswith("the database is not reachable")
    assert not found.at_heads(frozenset({"0001"}))


WAIT = [sys.executable, "-m", "catalog_chassis.migration_wait"]


def wait_command(service_dir: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WAIT, "--interval", "0.1", "--timeout", "1"],
        cwd=service_dir,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_the_command_exits_zero_at_the_head_and_one_when_it_gives_up(
    service_dir: Path,
) -> None:
    async with throwaway_database("migration_wait") as database_url:
        before = wait_command(service_dir, database_url)
        upgrade_service(service_dir, database_url)
        after = wait_command(service_dir, database_url)

    assert before.returncode == 1, before.stderr
    assert "waiting for the DatabaseMigration: the database is at no revision" in before.stdout
    assert after.returncode == 0, after.stderr
    assert after.stdout.strip() == "the database is at this image's head (0001)"


def test_a_migration_keeps_trying_an_unreachable_database_for_its_window(
    service_dir: Path,
) -> None:
    unreachable = "postgresql+asyncpg://nobody:wrong@127.0.0.1:1/none"

    with pytest.raises(MigrationFailed) as failure:
        upgrade_service(service_dir, unreachable, extra_env={CONNECT_WINDOW_ENV: "3"})

    # 3 s with a pause of 2 s: tried, told, tried again, failed.
    assert failure.value.output.count("database not reachable") == 1, failure.value.output
    assert "ConnectionRefusedError" in failure.value.output
