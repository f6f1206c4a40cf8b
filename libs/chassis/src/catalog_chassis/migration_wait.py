"""``python -m catalog_chassis.migration_wait``: wait until the database is at this image's head.

The init container of every pod of a service whose migrations the catalog operator runs (a
DatabaseMigration): the pod's process starts only once the database has every head revision of
the image's own migrations, so a pod never runs against an older schema, and a pod whose
migration has not run yet, or failed, stays visibly in Init.

One process for the whole wait: the image's heads are read once from its Alembic script
directory, then the database's ``alembic_version`` is read once per interval over a fresh
connection (a millisecond on the server). The previous shell loop ran ``alembic current`` on
every look, a new interpreter loading the service's migration environment each time: about a
CPU-second per look in every waiting pod, which on a small node starved the very migration and
database the pods were waiting for.

A database at a revision this image does not know (a newer image migrated it) is not at this
image's head: the pod waits, as ``alembic current`` made it wait.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from catalog_chassis.db import libpq_dsn
from catalog_chassis.migrations import migration_database_url

CONNECT_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Look:
    """What one look at the database found: its revisions, or why there are none."""

    revisions: frozenset[str] = frozenset()
    problem: str | None = None

    def at_heads(self, heads: frozenset[str]) -> bool:
        return self.problem is None and heads <= self.revisions

    def describe(self, heads: frozenset[str]) -> str:
        if self.problem is not None:
            return self.problem
        current = ", ".join(sorted(self.revisions)) or "no revision (not migrated yet)"
        return f"the database is at {current}; this image's head is {', '.join(sorted(heads))}"


def image_heads(config_file: Path | str = "alembic.ini") -> tuple[frozenset[str], str]:
    """The head revisions of the migrations next to ``config_file``, and the database URL
    (``DATABASE_URL`` wins over the file's ``sqlalchemy.url``, as in a migration)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config(str(config_file))
    heads = frozenset(ScriptDirectory.from_config(config).get_heads())
    if not heads:
        raise SystemExit(f"{config_file}: the migrations have no revision")
    return heads, migration_database_url(config.get_main_option("sqlalchemy.url"))


async def look(database_url: str, connect_timeout: float = CONNECT_TIMEOUT_SECONDS) -> Look:
    """The database's Alembic revisions; unreachable databases and a missing version table
    are answers too (the wait goes on), never exceptions."""
    try:
        connection = await asyncpg.connect(libpq_dsn(database_url), timeout=connect_timeout)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        return Look(problem=f"the database is not reachable: {error or type(error).__name__}")
    try:
        rows = await connection.fetch("SELECT version_num FROM alembic_version")
    except asyncpg.UndefinedTableError:
        return Look()
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        return Look(problem=f"the database did not answer: {error}")
    finally:
        await connection.close(timeout=connect_timeout)
    return Look(revisions=frozenset(row["version_num"] for row in rows))


async def wait_for_heads(
    database_url: str,
    heads: frozenset[str],
    *,
    interval: float,
    give_up_after: float | None = None,
    report: Callable[[str], None] = print,
) -> bool:
    """Look every ``interval`` seconds until the database has every head; False when
    ``give_up_after`` seconds (None: never) ran out first. Reports each change of what it
    sees."""
    deadline = None if give_up_after is None else time.monotonic() + give_up_after
    last = ""
    while True:
        found = await look(database_url)
        if found.at_heads(heads):
            report(f"the database is at this image's head ({', '.join(sorted(heads))})")
            return True
        described = found.describe(heads)
        if described != last:
            report(f"waiting for the DatabaseMigration: {described}")
            last = described
        if deadline is not None and time.monotonic() >= deadline:
            return False
        await asyncio.sleep(interval)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m catalog_chassis.migration_wait",
        description="Wait until the database is at the head of this image's migrations.",
    )
    parser.add_argument("--config", default="alembic.ini", help="the service's alembic.ini")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between looks")
    parser.add_argument("--timeout", type=float, default=None, help="give up after (seconds)")
    args = parser.parse_args(argv)
    if args.interval <= 0:
        parser.error("--interval must be positive")
    heads, database_url = image_heads(args.config)

    def report(message: str) -> None:
        print(message, flush=True)

    reached = asyncio.run(
        wait_for_heads(
            database_url, heads, interval=args.interval, give_up_after=args.timeout, report=report
        )
    )
    return 0 if reached else 1


if __name__ == "__main__":
    sys.exit(main())
