"""Zipkin (the exec jar from Maven Central) with in-memory storage.

The in-memory store keeps the newest ``MEM_MAX_SPANS`` spans and drops the oldest; its
default (500,000) does not fit a small heap, and a benchmark or a long test run used to end
in an OutOfMemoryError that took tracing down. The cap and the heap are sized together
(≈ 1.5 KB per span held).
"""

from __future__ import annotations

import os

from .console import step
from .installer import ensure_zipkin_jar
from .paths import Layout
from .probes import Readiness, http_ok
from .processes import start_detached, tracked_pid

NAME = "zipkin"
PORT = 9411
HEAP = "512m"
MAX_SPANS = 150_000
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
            f"-Xmx{HEAP}",
            "-XX:+UseSerialGC",
            # A JVM out of memory limps on answering nothing; exiting lets `up` restart it.
            "-XX:+ExitOnOutOfMemoryError",
            "-jar",
            str(jar),
            # Armeria replaces the whole ports list, so name every field of the one port.
            f"--armeria.ports[0].port={PORT}",
            "--armeria.ports[0].ip=127.0.0.1",
            "--armeria.ports[0].protocols[0]=http",
        ],
        cwd=layout.local,
        env={
            **os.environ,
            "STORAGE_TYPE": "mem",
            "MEM_MAX_SPANS": str(MAX_SPANS),
            "QUERY_PORT": str(PORT),
        },
    )


def readiness(layout: Layout) -> Readiness:
    def failed() -> str | None:
        if tracked_pid(layout, NAME) is None and not is_ready():
            return f"the process exited; see {layout.log_file(NAME)}"
        return None

    return Readiness(name=NAME, url=URL, ready=is_ready, failed=failed)
