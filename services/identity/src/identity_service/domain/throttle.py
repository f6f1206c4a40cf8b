"""Login throttling: repeated failures for one username slow down password guessing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


@dataclass(kw_only=True)
class FailedLogins:
    """Failures for one username within the current window."""

    username: str
    count: int = 0
    window_started_at: datetime | None = None

    def _window_open(self, now: datetime, policy: ThrottlePolicy) -> bool:
        return self.window_started_at is not None and now < self.window_started_at + policy.window

    def register_failure(self, now: datetime, policy: ThrottlePolicy) -> None:
        if not self._window_open(now, policy):
            self.window_started_at = now
            self.count = 0
        self.count += 1

    def retry_after_seconds(self, now: datetime, policy: ThrottlePolicy) -> int | None:
        """Seconds until the next attempt is allowed, or None when not throttled."""
        if self.window_started_at is None or not self._window_open(now, policy):
            return None
        if self.count < policy.max_failures:
            return None
        remaining = (self.window_started_at + policy.window - now).total_seconds()
        return max(1, math.ceil(remaining))
