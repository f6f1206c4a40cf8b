"""Wakes the relay within milliseconds of a commit via Postgres LISTEN/NOTIFY.

The listener is only an accelerator: the relay polls anyway, so losing the connection (or
a notification) delays events by one poll interval at most. Lost connections are re-opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg

from catalog_chassis.db import OUTBOX_CHANNEL
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
                    await connection.execute("SELECT 1", timeout=5)
            if lost.is_set() and not stop.is_set():
                raise ConnectionError("listener connection terminated")
        finally:
            self.listening.clear()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 2)

    def _on_notification(self, *_args: Any) -> None:
        self._wake.set()
