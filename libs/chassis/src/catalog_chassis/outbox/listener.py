"""Wakes the relay within milliseconds of a commit via Postgres LISTEN/NOTIFY.

The listener is only an accelerator: the relay polls anyway, so losing the connection (or
a notification) delays events by one poll interval at most. Lost connections are re-opened.

Its connection also tells writers whether to notify at all: while the relay is busy it
holds ``OUTBOX_RELAY_ACTIVE_LOCK`` (:meth:`NotificationListener.mark_busy`), and the outbox
trigger notifies only when no relay holds it. The lock goes with the connection, so a relay
that dies or loses its connection never silences the writers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg

from catalog_chassis.db import OUTBOX_CHANNEL, OUTBOX_RELAY_ACTIVE_LOCK
from catalog_chassis.messaging.backoff import Backoff

logger = logging.getLogger(__name__)

__all__ = ["OUTBOX_CHANNEL", "NotificationListener"]


class NotificationListener:
    def __init__(
        self,
        dsn: str,
        wake: asyncio.Event,
        *,
        channel: str = OUTBOX_CHANNEL,
        keepalive_interval: float = 15.0,
        reconnect_backoff: Backoff = Backoff(initial=0.5, maximum=10.0),
    ) -> None:
        self._dsn = dsn
        self._wake = wake
        self._channel = channel
        self._keepalive_interval = keepalive_interval
        self._reconnect_backoff = reconnect_backoff
        self.listening = asyncio.Event()
        self._connection: asyncpg.Connection | None = None
        # One statement at a time on the connection (keep-alive and busy marks).
        self._using = asyncio.Lock()
        self._busy = False

    @property
    def marked_busy(self) -> bool:
        """Whether this relay holds the lock that keeps writers from notifying."""
        return self._busy

    async def mark_busy(self, busy: bool) -> bool:
        """Hold (or release) the relay-active lock; returns whether it is now held.

        Never waits: if another relay holds it (or a writer is probing it at this instant)
        the answer is False and writers go on notifying, which is only slower.
        """
        try:
            async with self._using:
                connection = self._connection
                if busy == self._busy or connection is None or connection.is_closed():
                    return self._busy
                if busy:
                    self._busy = bool(
                        await connection.fetchval(
                            "SELECT pg_try_advisory_lock($1)", OUTBOX_RELAY_ACTIVE_LOCK, timeout=5
                        )
                    )
                else:
                    await connection.execute(
                        "SELECT pg_advisory_unlock($1)", OUTBOX_RELAY_ACTIVE_LOCK, timeout=5
                    )
                    self._busy = False
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            # The connection is going: the lock goes with it, and run() reconnects.
            logger.warning("marking the relay %s failed: %r", "busy" if busy else "idle", exc)
            self._busy = False
        return self._busy

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                await self._listen_until_lost(stop)
                failures = 0
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                failures += 1
                delay = self._reconnect_backoff.delay(failures)
                logger.warning("LISTEN %s lost (%r); retrying in %.1fs", self._channel, exc, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)

    async def _listen_until_lost(self, stop: asyncio.Event) -> None:
        connection: asyncpg.Connection = await asyncpg.connect(self._dsn, timeout=10)
        lost = asyncio.Event()
        try:
            connection.add_termination_listener(lambda _conn: lost.set())
            await connection.add_listener(self._channel, self._on_notification)
            self._connection = connection
            self.listening.set()
            # Anything committed while we were not listening: catch up now.
            self._wake.set()
            while not stop.is_set() and not lost.is_set():
                waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(lost.wait())]
                _, pending = await asyncio.wait(
                    waiters, timeout=self._keepalive_interval, return_when="FIRST_COMPLETED"
                )
                for waiter in pending:
                    waiter.cancel()
                if not stop.is_set() and not lost.is_set():
                    # A silently dropped TCP connection only shows when used.
                    async with self._using:
                        await connection.execute("SELECT 1", timeout=5)
            if lost.is_set() and not stop.is_set():
                raise ConnectionError("listener connection terminated")
        finally:
            self.listening.clear()
            self._connection = None
            # Not while a busy mark is being set on it (one statement at a time); closing
            # releases the lock, so writers notify again.
            async with self._using:
                self._busy = False
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.close(), 2)

    def _on_notification(self, *_args: Any) -> None:
        self._wake.set()
