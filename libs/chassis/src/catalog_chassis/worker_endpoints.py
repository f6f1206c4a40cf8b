"""What a worker process (relay, consumers, saga worker) shows the outside: Prometheus
metrics and a liveness probe, on a small HTTP server of its own (workers serve no API).

- ``GET /metrics``: the process's Prometheus registry;
- ``GET /health/live``: 200 while the event loop is turning, 503 once its heartbeat is older
  than ``stale_after`` seconds (a loop blocked by a stuck call, a deadlock): what a
  Kubernetes liveness probe restarts the container on.

The server runs in a daemon thread (prometheus_client's WSGI app and the standard library's
threading server), so it answers even when the loop it watches does not.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app

logger = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = 1.0
DEFAULT_STALE_AFTER = 30.0

StartResponse = Callable[..., Any]


class Heartbeat:
    """Beats from the event loop; ``alive`` asks, from any thread, whether it still does."""

    def __init__(self, stale_after: float = DEFAULT_STALE_AFTER) -> None:
        self.stale_after = stale_after
        self.last = time.monotonic()

    async def run(self, stop: asyncio.Event, interval: float = HEARTBEAT_INTERVAL) -> None:
        while not stop.is_set():
            self.last = time.monotonic()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    def age(self) -> float:
        return time.monotonic() - self.last

    def alive(self) -> bool:
        return self.age() < self.stale_after


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Probes every few seconds would flood the log."""


class _ThreadingWSGIServer(WSGIServer):
    daemon_threads = True


def worker_app(heartbeat: Heartbeat) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    metrics = make_wsgi_app()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return metrics(environ, start_response)  # type: ignore[no-any-return]
        if path == "/health/live":
            alive = heartbeat.alive()
            body = json.dumps(
                {"status": "UP" if alive else "DOWN", "loopHeartbeatAgeSeconds": heartbeat.age()}
            ).encode()
            status = "200 OK" if alive else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    return app


class WorkerEndpoints:
    """The running server; ``close`` stops it."""

    def __init__(self, server: WSGIServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def serve_worker_endpoints(address: str, port: int, heartbeat: Heartbeat) -> WorkerEndpoints:
    """Start serving ``/metrics`` and ``/health/live`` on ``address:port`` (0: any port)."""
    server = make_server(
        address,
        port,
        worker_app(heartbeat),
        server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, name="worker-endpoints", daemon=True)
    thread.start()
    logger.info("worker metrics and liveness on %s:%d", address, server.server_port)
    return WorkerEndpoints(server, thread)
