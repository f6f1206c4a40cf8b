"""When an event consumer tries again, and when it gives up.

A failure is either **permanent** — the message can never succeed: its body is not a
CloudEvent, or the handler raised :class:`PoisonMessage` or a data error such as
:class:`~catalog_chassis.references.MalformedSnapshot` — and the message is dead-lettered at
once; or **transient** (anything else: the database or a dependency is down, a connection
broke...) and the message is tried again after the next delay of a :class:`RetrySchedule`,
from a delay queue, while the consumer goes on with the messages behind it. Once the
schedule is spent, the message is dead-lettered with its last error.

The headers below travel with a message between its attempts and into the DLQ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from catalog_chassis.references import MalformedSnapshot


class PoisonMessage(Exception):
    """The message can never be processed: retrying is pointless (dead-letter it at once)."""


# The errors every consumer treats as permanent; a service adds its own with the
# ``permanent_errors`` argument of its subscription.
PERMANENT_ERRORS: tuple[type[BaseException], ...] = (PoisonMessage, MalformedSnapshot)


def is_permanent(
    error: BaseException, permanent_errors: Sequence[type[BaseException]] = PERMANENT_ERRORS
) -> bool:
    """True when retrying ``error`` cannot help (bad data); False for anything else."""
    return isinstance(error, tuple(permanent_errors))


# How many attempts have failed so far (absent: none).
ATTEMPTS_HEADER = "catalog-attempts"
# When the first attempt failed (ISO 8601, UTC).
FIRST_FAILURE_HEADER = "catalog-first-failure"
# The last attempt's error (its repr, truncated).
LAST_ERROR_HEADER = "catalog-last-error"
# Why the consumer dead-lettered the message: "poison" or "retries exhausted".
DEAD_LETTER_REASON_HEADER = "catalog-dead-letter-reason"
# The consumer that dead-lettered it.
CONSUMER_HEADER = "catalog-consumer"
# How many times an operator has re-driven the message from the DLQ.
REDRIVES_HEADER = "catalog-redrives"

POISON = "poison"
RETRIES_EXHAUSTED = "retries exhausted"

MAX_ERROR_LENGTH = 1000

# What RabbitMQ adds when it dead-letters or redelivers a message. A copy published anew
# leaves them behind: its history is in the headers above, and a stale x-death entry would
# make RabbitMQ take a later dead-lettering for a cycle and drop the message.
_BROKER_HEADER_PREFIXES = ("x-death", "x-first-death-", "x-last-death-", "x-delivery-count")


def without_broker_headers(headers: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        name: value
        for name, value in (headers or {}).items()
        if not name.startswith(_BROKER_HEADER_PREFIXES)
    }


def failed_attempts(headers: Mapping[str, Any] | None) -> int:
    """The attempts that failed before this delivery (0 for a fresh message)."""
    value = (headers or {}).get(ATTEMPTS_HEADER, 0)
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def describe_error(error: BaseException) -> str:
    return repr(error)[:MAX_ERROR_LENGTH]


def failure_headers(
    headers: Mapping[str, Any] | None, error: BaseException, *, now: datetime | None = None
) -> dict[str, Any]:
    """``headers`` of a message whose attempt just failed with ``error``, for its next copy."""
    copied = without_broker_headers(headers)
    copied[ATTEMPTS_HEADER] = failed_attempts(headers) + 1
    copied.setdefault(FIRST_FAILURE_HEADER, (now or datetime.now(UTC)).isoformat())
    copied[LAST_ERROR_HEADER] = describe_error(error)
    return copied


def redriven_headers(headers: Mapping[str, Any] | None) -> dict[str, Any]:
    """A dead letter's headers as it goes back to its consumer: a fresh retry schedule, the
    count of re-drives kept."""
    copied = without_broker_headers(headers)
    for name in (
        ATTEMPTS_HEADER,
        FIRST_FAILURE_HEADER,
        LAST_ERROR_HEADER,
        DEAD_LETTER_REASON_HEADER,
        CONSUMER_HEADER,
    ):
        copied.pop(name, None)
    copied[REDRIVES_HEADER] = _count(headers, REDRIVES_HEADER) + 1
    return copied


def _count(headers: Mapping[str, Any] | None, name: str) -> int:
    try:
        return int((headers or {}).get(name, 0))
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True)
class RetrySchedule:
    """The delays (seconds) before the 2nd, 3rd... attempt of a message that keeps failing
    transiently: ``len(delays)`` retries, then the DLQ. Each distinct delay is a delay queue
    of the consumer (see :mod:`catalog_chassis.messaging.topology`)."""

    delays: tuple[float, ...]

    def __post_init__(self) -> None:
        if any(delay < 0.001 for delay in self.delays):
            raise ValueError("retry delays are at least a millisecond")

    @classmethod
    def growing(cls, steps: Sequence[float], *, total: float) -> RetrySchedule:
        """``steps``, then the last step again until the delays add up to ``total`` seconds."""
        if not steps:
            raise ValueError("a growing schedule needs at least one step")
        delays = list(steps)
        while sum(delays) < total:
            delays.append(delays[-1])
        return cls(tuple(delays))

    @property
    def total(self) -> float:
        """Seconds from the first failure to the last attempt (not counting processing)."""
        return sum(self.delays)

    def delay_after(self, failures: int) -> float | None:
        """The wait before the next attempt once ``failures`` attempts have failed; None when
        the schedule is spent (dead-letter)."""
        if failures < 1:
            raise ValueError("no attempt has failed yet")
        return self.delays[failures - 1] if failures <= len(self.delays) else None

    @property
    def distinct_delays(self) -> tuple[float, ...]:
        return tuple(sorted(set(self.delays)))


def delay_label(seconds: float) -> str:
    """A delay as it appears in its queue's name: 200ms, 5s, 2m, 1h."""
    milliseconds = delay_milliseconds(seconds)
    for unit, size in (("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if milliseconds % size == 0:
            return f"{milliseconds // size}{unit}"
    return f"{milliseconds}ms"


def delay_milliseconds(seconds: float) -> int:
    return max(round(seconds * 1000), 1)


# 1 s, 5 s, 30 s, 2 min, then every 5 min: 8 attempts over about 17 minutes, enough to ride
# out a database failover or a dependency's restart.
DEFAULT_RETRY_SCHEDULE = RetrySchedule.growing((1, 5, 30, 120, 300), total=15 * 60)
