"""Zipkin (the exec jar from Maven Central) with in-memory storage."""

from __future__ import annotations

import os

from .console import step
from .installer import ensure_zipkin_jar
from .paths import Layout
from .probes import Readiness, http_ok
from .processes import start_detached, tracked_pid

NAME = "zipkin"
PORT = 9411
URL = f"http://127.0.0.1:{PORT}"
SPANS_ENDPOINT = f"{URL}/api/v2/spans"


def is_ready() -> bool:
    return http_ok(f"{URL}/health")


def start_if_needed(layout: Layout) -> None:
    if tracked_pid(layout, NAME) is not None or is_ready():
        return
    jar = ensure_zipkin_jar()
    step("starting zipkin")
    start_detached(
        layout,
        NAME,
        [
            "java",
            "-Xms64m",
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-jar",
            str(jar),
            # Armeria replaces the whole ports list, so name every field of the one port.
            f"--armeria.ports[0].port={PORT}",
            "--armeria.ports[0].ip=127.0.0.1",
            "--armeria.ports[0].protocols[0]=http",
        ],
        cwd=layout.local,
        env={**os.environ, "STORAGE_TYPE": "mem", "QUERY_PORT": str(PORT)},
    )


def readiness(layout: Layout) -> Readiness:
    def failed() -> str | None:
        if tracked_pid(layout, NAME) is None and not is_ready():
            return f"the process exited; see {layout.log_file(NAME)}"
        return None

    return Readiness(name=NAME, url=URL, ready=is_ready, failed=failed)
