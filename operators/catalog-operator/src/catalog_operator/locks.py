"""One migration per database at a time, within this operator process.

The lasting guard is the Job label `catalog.example/database`: before creating a Job the
handler looks for an active Job of the same database, which survives operator restarts. This
lock closes the window between that look and the create, when two DatabaseMigrations of one
database are handled concurrently. One operator process is active at a time (one replica,
`Recreate`), so no lock across processes (a Lease) is needed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class DatabaseLocks:
    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    @asynccontextmanager
    async def hold(self, namespace: str, database: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault((namespace, database), asyncio.Lock())
        async with lock:
            yield
