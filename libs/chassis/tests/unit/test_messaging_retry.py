"""Which failures a consumer retries, on what schedule, and what travels in the headers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import InterfaceError, OperationalError

from catalog_chassis.errors import ServiceUnavailable
from catalog_chassis.messaging import DEFAULT_RETRY_SCHEDULE, PoisonMessage, RetrySchedule
from catalog_chassis.messaging.retry import (
    ATTEMPTS_HEADER,
    FIRST_FAILURE_HEADER,
    LAST_ERROR_HEADER,
    REDRIVES_HEADER,
    delay_label,
    failed_attempts,
    failure_headers,
    is_permanent,
    redriven_headers,
    without_broker_headers,
)
from catalog_chassis.references import MalformedSnapshot


class UnreadableInvoice(ValueError):
    """A service's own data error."""


@pytest.mark.parametrize(
    "error",
    [PoisonMessage("bad"), MalformedSnapshot("no id")],
)
def test_bad_data_is_permanent(error: Exception) -> None:
    assert is_permanent(error)


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT 1", {}, ConnectionRefusedError("refused")),
        InterfaceError("SELECT 1", {}, Exception("connection is closed")),
        ServiceUnavailable("the owner is down"),
        ConnectionResetError("reset by peer"),
        TimeoutError(),
        RuntimeError("anything else"),
        ValueError("a bug, not marked as bad data"),
    ],
)
def test_everything_else_is_transient(error: Exception) -> None:
    assert not is_permanent(error)


def test_a_service_marks_errors_of_its_own_as_permanent() -> None:
    permanent = (PoisonMessage, MalformedSnapshot, UnreadableInvoice)

    assert is_permanent(UnreadableInvoice("no total"), permanent)
    assert not is_permanent(UnreadableInvoice("no total"))


def test_the_default_schedule_grows_and_retries_for_at_least_fifteen_minutes() -> None:
    delays = DEFAULT_RETRY_SCHEDULE.delays

    assert delays[:5] == (1, 5, 30, 120, 300)
    assert list(delays) == sorted(delays)
    assert DEFAULT_RETRY_SCHEDULE.total >= 15 * 60
    assert DEFAULT_RETRY_SCHEDULE.distinct_delays == (1, 5, 30, 120, 300)


def test_a_growing_schedule_repeats_its_last_step_up_to_the_total() -> None:
    schedule = RetrySchedule.growing((1, 10), total=35)

    assert schedule.delays == (1, 10, 10, 10, 10)
    assert schedule.total == 41


def test_the_delay_after_each_failure_then_none_once_spent() -> None:
    schedule = RetrySchedule((1, 5, 30))

    assert [schedule.delay_after(n) for n in (1, 2, 3, 4, 10)] == [1, 5, 30, None, None]
    with pytest.raises(ValueError):
        schedule.delay_after(0)


def test_no_retries_at_all_dead_letters_the_first_failure() -> None:
    assert RetrySchedule(()).delay_after(1) is None


@pytest.mark.parametrize("arguments", [{"delays": (0.0,)}, {"delays": (1, -5)}])
def test_nonsensical_schedules_are_refused(arguments: dict[str, tuple[float, ...]]) -> None:
    with pytest.raises(ValueError):
        RetrySchedule(**arguments)


@pytest.mark.parametrize(
    ("seconds", "label"),
    [
        (0.05, "50ms"),
        (0.5, "500ms"),
        (1, "1s"),
        (30, "30s"),
        (90, "90s"),
        (120, "2m"),
        (3600, "1h"),
    ],
)
def test_delay_labels(seconds: float, label: str) -> None:
    assert delay_label(seconds) == label


def test_a_failure_counts_the_attempt_and_keeps_the_first_failure_time() -> None:
    first = failure_headers(
        {"traceparent": "00-x", "x-delivery-count": 2},
        ConnectionRefusedError("down"),
        now=datetime(2026, 1, 1, tzinfo=UTC),
    )
    second = failure_headers(first, TimeoutError("slow"), now=datetime(2026, 1, 2, tzinfo=UTC))

    assert first[ATTEMPTS_HEADER] == 1
    assert second[ATTEMPTS_HEADER] == 2
    assert second[FIRST_FAILURE_HEADER] == "2026-01-01T00:00:00+00:00"
    assert second[LAST_ERROR_HEADER] == "TimeoutError('slow')"
    assert second["traceparent"] == "00-x"
    assert "x-delivery-count" not in first


def test_a_long_error_is_truncated() -> None:
    headers = failure_headers({}, RuntimeError("x" * 5000))

    assert len(headers[LAST_ERROR_HEADER]) == 1000


def test_broker_headers_stay_behind_so_rabbitmq_sees_no_dead_letter_cycle() -> None:
    headers = {
        "x-death": [{"queue": "a", "reason": "expired"}],
        "x-first-death-queue": "a",
        "x-first-death-reason": "expired",
        "x-first-death-exchange": "",
        "x-last-death-queue": "a",
        "x-delivery-count": 3,
        "catalog-attempts": 2,
    }

    assert without_broker_headers(headers) == {"catalog-attempts": 2}


@pytest.mark.parametrize("value", [None, "nonsense", -3])
def test_an_unreadable_attempt_count_counts_as_none(value: object) -> None:
    headers = {} if value is None else {ATTEMPTS_HEADER: value}

    assert failed_attempts(headers) == 0


def test_a_redriven_message_starts_a_fresh_schedule_and_counts_its_redrives() -> None:
    dead = failure_headers({"traceparent": "00-x"}, RuntimeError("broken"))
    dead["x-death"] = [{"queue": "q", "reason": "rejected"}]
    dead["catalog-dead-letter-reason"] = "retries exhausted"

    once = redriven_headers(dead)
    twice = redriven_headers(failure_headers(once, RuntimeError("again")))

    assert once == {"traceparent": "00-x", REDRIVES_HEADER: 1}
    assert twice[REDRIVES_HEADER] == 2
