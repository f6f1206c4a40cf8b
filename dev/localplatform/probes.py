"""Health probes and the wait-until-ready loop."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from .console import done, info, warn
from .errors import PlatformError

# Never send local probes through an HTTP proxy configured in the environment.
_CLIENT = httpx.Client(timeout=2.0, trust_env=False)


def http_ok(url: str, *, auth: tuple[str, str] | None = None) -> bool:
    try:
        return _CLIENT.get(url, auth=auth).status_code == 200
    except httpx.HTTPError:
        return False


def http_answers(url: str, header: str) -> bool:
    """True when anything answers at `url` with `header` set (any status)."""
    try:
        return header in _CLIENT.get(url).headers
    except httpx.HTTPError:
        return False


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class Readiness:
    """Something to wait for: `ready()` says it is up; `failed()` says it never will be."""

    name: str
    url: str
    ready: Callable[[], bool]
    failed: Callable[[], str | None] = lambda: None


def wait_until_ready(checks: list[Readiness], *, timeout: float) -> None:
    """Polls every check until each is ready or has failed; raises if any did not make it."""
    started = time.monotonic()
    pending = list(checks)
    failures: list[str] = []
    last_report = started
    while pending:
        for check in list(pending):
            if check.ready():
                done(f"{check.name} ready ({check.url})")
                pending.remove(check)
            elif (reason := check.failed()) is not None:
                warn(f"{check.name} failed to start: {reason}")
                failures.append(check.name)
                pending.remove(check)
        if not pending:
            break
        now = time.monotonic()
        if now - started > timeout:
            failures += [f"{check.name} (not ready after {timeout:.0f}s)" for check in pending]
            break
        if now - last_report > 10:
            info("still waiting for " + ", ".join(check.name for check in pending))
            last_report = now
        time.sleep(0.5)
    if failures:
        raise PlatformError("not ready: " + ", ".join(failures))
