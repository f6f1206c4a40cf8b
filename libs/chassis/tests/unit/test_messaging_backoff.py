"""Capped exponential backoff."""

from __future__ import annotations

import pytest

from catalog_chassis.messaging import Backoff


def test_delays_double_from_the_initial_delay_until_the_cap() -> None:
    backoff = Backoff(initial=0.5, factor=2.0, maximum=30.0)

    delays = [backoff.delay(attempt) for attempt in range(1, 9)]

    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_no_failure_means_no_delay() -> None:
    assert Backoff().delay(0) == 0.0


def test_a_huge_attempt_count_stays_at_the_cap() -> None:
    assert Backoff(maximum=30.0).delay(10_000) == 30.0


def test_jitter_only_ever_shortens_the_delay_by_at_most_its_fraction() -> None:
    backoff = Backoff(initial=10.0, factor=1.0, maximum=10.0, jitter=0.25)

    delays = {backoff.delay(3) for _ in range(200)}

    assert all(7.5 <= delay <= 10.0 for delay in delays)
    assert len(delays) > 1


@pytest.mark.parametrize(
    "arguments",
    [
        {"initial": 0.0},
        {"factor": 0.5},
        {"initial": 5.0, "maximum": 1.0},
        {"jitter": 1.5},
    ],
)
def test_nonsensical_settings_are_refused(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**arguments)
