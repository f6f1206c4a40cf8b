"""Progress lines: short, one per step, readable in a CI log."""

from __future__ import annotations

import sys
import time

from .errors import PlatformError

_STARTED = time.monotonic()


def elapsed() -> float:
    return time.monotonic() - _STARTED


def step(message: str) -> None:
    _emit(f"-> {message}")


def done(message: str) -> None:
    _emit(f"ok {message}")


def warn(message: str) -> None:
    _emit(f"!! {message}")


def info(message: str) -> None:
    _emit(f"   {message}")


def _emit(line: str) -> None:
    print(f"[{elapsed():6.1f}s] {line}", flush=True)


def fail(error: PlatformError) -> int:
    print(f"[{elapsed():6.1f}s] FAILED {error}", file=sys.stderr, flush=True)
    return 1
