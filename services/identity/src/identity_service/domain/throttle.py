"""Login throttling that slows password guessing without letting anyone lock a user out.

Failures count per (username, client address): after ``free_failures`` within ``window``,
each further attempt from that client waits ``first_delay``, doubling with every failure up
to ``max_delay``. A second count per username across every client slows a distributed
attack once it passes ``username_ceiling``: then at most one attempt per
``username_interval`` is taken for that username, from anywhere — slower, never blocked, so
the real user (from another address) still gets in. Counting happens in the database, one
atomic statement per failure, so parallel guesses each count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 3
    first_delay: timedelta = timedelta(seconds=1)
    max_delay: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(minutes=15)
    username_ceiling: int = 50
    username_interval: timedelta = timedelta(seconds=2)


@dataclass(frozen=True)
class Failures:
    """Failed attempts counted for one key (a client's, or the username's overall)."""

    count: int = 0
    last_failure_at: datetime | None = None

    def current(self, now: datetime, policy: ThrottlePolicy) -> int:
        """The count, or 0 once the last failure is older than the window."""
        if self.last_failure_at is None or now - self.last_failure_at >= policy.window:
            return 0
        return self.count


def _wait(since: datetime | None, pause: timedelta, now: datetime) -> int | None:
    if since is None:
        return None
    remaining = (since + pause - now).total_seconds()
    return max(1, math.ceil(remaining)) if remaining > 0 else None


def client_delay(failures: int, policy: ThrottlePolicy) -> timedelta:
    """The pause a client waits after its ``failures``-th failure (zero while free)."""
    if failures < policy.free_failures:
        return timedelta(0)
    doublings = min(failures - policy.free_failures, 32)
    delay: timedelta = policy.first_delay * (2**doublings)
    return min(policy.max_delay, delay)


def retry_after_seconds(
    client: Failures, username: Failures, now: datetime, policy: ThrottlePolicy
) -> int | None:
    """Seconds until this client may try this username again; None when it may now."""
    waits = [
        _wait(client.last_failure_at, client_delay(client.current(now, policy), policy), now),
    ]
    if username.current(now, policy) >= policy.username_ceiling:
        waits.append(_wait(username.last_failure_at, policy.username_interval, now))
    pending = [wait for wait in waits if wait is not None]
    return max(pending) if pending else None
