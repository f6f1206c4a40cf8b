"""What the migration wait decides from one look at the database, and the migration's
connection retries (no database here: the integration tests run both against Postgres)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy.exc import OperationalError, ProgrammingError

from catalog_chassis import migrations
from catalog_chassis.migration_wait import Look, main
from catalog_chassis.migrations import connect_within

HEADS = frozenset({"b2"})


@pytest.mark.parametrize(
    ("look", "ready"),
    [
        (Look(revisions=frozenset({"b2"})), True),
        (Look(revisions=frozenset({"a1"})), False),
        (Look(), False),
        (Look(problem="the database is not reachable: refused"), False),
        # a newer image's revision: not this image's head
        (Look(revisions=frozenset({"c3"})), False),
    ],
)
def test_the_pod_goes_on_only_at_the_images_heads(look: Look, ready: bool) -> None:
    assert look.at_heads(HEADS) is ready


def test_every_head_of_a_branched_history_is_needed() -> None:
    heads = frozenset({"x1", "y1"})

    assert not Look(revisions=frozenset({"x1"})).at_heads(heads)
    assert Look(revisions=frozenset({"x1", "y1"})).at_heads(heads)


def test_what_the_wait_reports() -> None:
    assert Look().describe(HEADS) == (
        "the database is at no revision (not migrated yet); this image's head is b2"
    )
    assert Look(revisions=frozenset({"a1"})).describe(HEADS) == (
        "the database is at a1; this image's head is b2"
    )
    assert Look(problem="the database is not reachable: x").describe(HEADS) == (
        "the database is not reachable: x"
    )


def test_a_non_positive_interval_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--interval", "0"])

    assert exit_.value.code == 2
    assert "--interval must be positive" in capsys.readouterr().err


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def failing(errors: list[BaseException], clock: Clock, step: float) -> object:
    """A connect that raises ``errors`` in turn, then answers; each call advances the clock."""
    calls = {"count": 0}

    async def connect() -> str:
        calls["count"] += 1
        clock.now += step
        if errors:
            raise errors.pop(0)
        return "connection"

    connect.calls = calls  # type: ignore[attr-defined]
    return connect


def refused() -> OSError:
    return ConnectionRefusedError(111, "Connect call failed")


def wrapped_not_ready() -> OperationalError:
    return OperationalError(
        "connect", {}, asyncpg.CannotConnectNowError("the database system is starting up")
    )


async def test_an_unreachable_database_is_tried_again_until_it_answers() -> None:
    clock = Clock()
    connect = failing([refused(), wrapped_not_ready(), refused()], clock, step=1.0)

    connection = await connect_within(connect, 60, pause=0, clock=clock)  # type: ignore[arg-type]

    assert connection == "connection"
    assert connect.calls["count"] == 4  # type: ignore[attr-defined]


async def test_the_last_error_is_raised_when_the_window_has_passed() -> None:
    clock = Clock()
    connect = failing([refused() for _ in range(100)], clock, step=10.0)

    with pytest.raises(ConnectionRefusedError):
        await connect_within(connect, 30, pause=1, clock=clock)  # type: ignore[arg-type]

    assert connect.calls["count"] == 3  # type: ignore[attr-defined]


async def test_other_errors_fail_at_once() -> None:
    clock = Clock()
    wrong_password = ProgrammingError("connect", {}, Exception("password authentication failed"))
    connect = failing([wrong_password], clock, step=1.0)

    with pytest.raises(ProgrammingError):
        await connect_within(connect, 60, pause=0, clock=clock)  # type: ignore[arg-type]

    assert connect.calls["count"] == 1  # type: ignore[attr-defined]


def test_the_connect_window_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(migrations.CONNECT_WINDOW_ENV, raising=False)
    assert migrations.connect_window() == migrations.DEFAULT_CONNECT_WINDOW
    monkeypatch.setenv(migrations.CONNECT_WINDOW_ENV, "5")
    assert migrations.connect_window() == 5.0
    monkeypatch.setenv(migrations.CONNECT_WINDOW_ENV, "soon")
    with pytest.raises(RuntimeError, match="number of seconds"):
        migrations.connect_window()


def test_the_pause_is_a_real_sleep_between_attempts() -> None:
    """With the real clock, two refusals and a pause of 0.05 s take at least 0.1 s."""
    connect = failing([refused(), refused()], Clock(), step=0.0)
    loop = asyncio.new_event_loop()
    try:
        started = loop.time()
        loop.run_until_complete(connect_within(connect, 10, pause=0.05))  # type: ignore[arg-type]
        assert loop.time() - started >= 0.1
    finally:
        loop.close()
