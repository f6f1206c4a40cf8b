"""The nginx edge: routing, correlation ids, CORS, rate limiting and problem responses."""

from __future__ import annotations

import dataclasses
import json
import re
import socket
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from dev.localplatform.edge import edge_paths, write_config
from dev.localplatform.paths import DEFAULT_LAYOUT
from dev.localplatform.routes import RateLimit, Route, RouteTable, load_route_table

from .conftest import NGINX, free_port

pytestmark = pytest.mark.integration

MINTED_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ALLOWED_ORIGIN = "http://localhost:3000"


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert {"type", "title", "detail", "correlationId"} <= problem.keys()
    assert problem["correlationId"] == response.headers["x-correlation-id"]
    return dict(problem)


def repository_table(**edge_changes: object) -> RouteTable:
    table = load_route_table(DEFAULT_LAYOUT.routes_file)
    return dataclasses.replace(
        table, edge=dataclasses.replace(table.edge, port=free_port(), **edge_changes)
    )


def with_routes(table: RouteTable, *routes: Route) -> RouteTable:
    return dataclasses.replace(table, services=routes)


class RecordingUpstream(BaseHTTPRequestHandler):
    """A stand-in service: answers 404 with its own JSON, echoing the correlation id it got."""

    def do_GET(self) -> None:
        body = json.dumps({"seen": self.headers.get("X-Correlation-ID")}).encode()
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Correlation-ID", "set-by-the-service")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordingUpstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_upstream() -> Iterator[int]:
    """Accepts connections and never answers (a hung service)."""
    listener = socket.create_server(("127.0.0.1", 0))
    yield int(listener.getsockname()[1])
    listener.close()


class StoppingService(BaseHTTPRequestHandler):
    """A service shutting down as uvicorn does: it answers the first request of each
    connection (keeping the connection alive) and closes the connection, unanswered, when the
    next request arrives on it. The server counts the connections and the unanswered."""

    protocol_version = "HTTP/1.1"

    def handle_one_request(self) -> None:
        answered = getattr(self, "answered", False)
        if not answered:
            self.server.connections += 1  # type: ignore[attr-defined]
        super().handle_one_request()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if getattr(self, "answered", False):
            self.server.unanswered += 1  # type: ignore[attr-defined]
            self.close_connection = True
            return
        self.answered = True
        body = json.dumps({"connection": self.server.connections}).encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def stopping_service() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StoppingService)
    server.connections = 0  # type: ignore[attr-defined]
    server.unanswered = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


# The platform's own edge (started by `up`).


def test_unknown_route_is_a_404_problem_with_a_minted_correlation_id(
    http: httpx.Client, edge_url: str
) -> None:
    response = http.get(f"{edge_url}/api/v1/no-such-resource")

    assert_problem(response, 404)
    assert MINTED_ID.match(response.headers["x-correlation-id"])


def test_root_is_a_404_problem_until_the_frontend_exists(http: httpx.Client, edge_url: str) -> None:
    if (DEFAULT_LAYOUT.root / "frontend" / "package.json").exists():
        pytest.skip("the frontend exists: `/` is routed to it")

    assert_problem(http.get(f"{edge_url}/"), 404)


def test_the_edge_answers_its_own_health(http: httpx.Client, edge_url: str) -> None:
    response = http.get(f"{edge_url}/health")

    assert response.status_code == 200
    assert response.json() == {"status": "UP"}


def test_echoes_the_callers_correlation_id(http: httpx.Client, edge_url: str) -> None:
    response = http.get(f"{edge_url}/api/v1/nowhere", headers={"X-Correlation-ID": "req-42.a"})

    problem = assert_problem(response, 404)
    assert response.headers["x-correlation-id"] == "req-42.a"
    assert problem["correlationId"] == "req-42.a"


def test_replaces_a_correlation_id_that_is_not_a_plain_token(
    http: httpx.Client, edge_url: str
) -> None:
    response = http.get(f"{edge_url}/api/v1/nowhere", headers={"X-Correlation-ID": 'a"b<c>'})

    assert MINTED_ID.match(response.headers["x-correlation-id"])


def test_answers_a_cors_preflight_from_an_allowed_origin(http: httpx.Client, edge_url: str) -> None:
    response = http.options(
        f"{edge_url}/api/v1/characteristics",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )

    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type", "x-correlation-id"} <= {
        header.strip() for header in allowed_headers.split(",")
    }
    assert "x-correlation-id" in response.headers["access-control-expose-headers"].lower()


def test_does_not_allow_an_unknown_origin(http: httpx.Client, edge_url: str) -> None:
    response = http.options(
        f"{edge_url}/api/v1/characteristics",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )

    assert "access-control-allow-origin" not in response.headers


def test_writes_a_json_access_log_line_per_request(http: httpx.Client, edge_url: str) -> None:
    probe = f"access-log-{uuid.uuid4()}"
    http.get(f"{edge_url}/api/v1/logged", headers={"X-Correlation-ID": probe})

    access_log = edge_paths(DEFAULT_LAYOUT).access_log
    entries = [json.loads(line) for line in access_log.read_text().splitlines() if line]
    [entry] = [e for e in entries if e["correlation_id"] == probe]
    assert (entry["method"], entry["uri"], entry["status"]) == ("GET", "/api/v1/logged", 404)
    assert {"time", "duration", "upstream"} <= entry.keys()


def test_nginx_accepts_the_rendered_platform_config() -> None:
    paths, _ = write_config(DEFAULT_LAYOUT)

    result = subprocess.run(
        [NGINX, "-t", "-p", str(paths.prefix), "-c", str(paths.conf_file), "-e", "/dev/stderr"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


# Throwaway edges with dedicated route tables.


def test_an_unreachable_upstream_is_a_503_problem(
    run_edge: Callable[[RouteTable], str], http: httpx.Client
) -> None:
    table = with_routes(repository_table(), Route("down", free_port(), ("/api/v1/down",)))
    url = run_edge(table)

    response = http.get(f"{url}/api/v1/down/items", headers={"X-Correlation-ID": "cid-503"})

    problem = assert_problem(response, 503)
    assert problem["correlationId"] == "cid-503"


def test_an_upstream_that_does_not_answer_in_time_is_a_503_problem(
    run_edge: Callable[[RouteTable], str], http: httpx.Client, silent_upstream: int
) -> None:
    base = repository_table()
    table = with_routes(
        dataclasses.replace(base, edge=dataclasses.replace(base.edge, read_timeout_seconds=1)),
        Route("hung", silent_upstream, ("/api/v1/hung",)),
    )
    url = run_edge(table)

    assert_problem(http.get(f"{url}/api/v1/hung"), 503)


def test_proxies_to_the_service_and_passes_its_response_through(
    run_edge: Callable[[RouteTable], str], http: httpx.Client, upstream: int
) -> None:
    table = with_routes(repository_table(), Route("things", upstream, ("/api/v1/things",)))
    url = run_edge(table)

    collection = http.get(f"{url}/api/v1/things", headers={"X-Correlation-ID": "cid-up"})
    item = http.get(f"{url}/api/v1/things/1")
    sibling = http.get(f"{url}/api/v1/thingsandmore")

    assert collection.status_code == 404
    assert collection.headers["content-type"] == "application/json"
    assert collection.json() == {"seen": "cid-up"}
    assert collection.headers.get_list("x-correlation-id") == ["cid-up"]
    assert item.json()["seen"] == item.headers["x-correlation-id"]
    assert sibling.headers["content-type"] == "application/problem+json"


def test_rate_limit_exceeded_is_a_429_problem(
    run_edge: Callable[[RouteTable], str], http: httpx.Client, upstream: int
) -> None:
    limited = repository_table(rate_limit=RateLimit(requests_per_second=1, burst=1))
    url = run_edge(with_routes(limited, Route("things", upstream, ("/api/v1/things",))))

    statuses = []
    for _ in range(10):
        response = http.get(f"{url}/api/v1/things")
        statuses.append(response.status_code)
        if response.status_code == 429:
            break

    assert statuses[0] == 404, "the first request reaches the service"
    assert statuses[-1] == 429, statuses
    assert_problem(response, 429)
    assert response.headers["retry-after"] == "1"


def test_edge_config_is_regenerated_from_the_route_table(tmp_path: Path) -> None:
    paths, _ = write_config(DEFAULT_LAYOUT)

    table = load_route_table(DEFAULT_LAYOUT.routes_file)
    conf = paths.conf_file.read_text()
    for route in table.services:
        assert f"server 127.0.0.1:{route.port} max_fails=0;" in conf


def test_a_request_the_service_dropped_on_a_kept_alive_connection_is_retried_unless_a_post(
    run_edge: Callable[[RouteTable], str],
    http: httpx.Client,
    stopping_service: ThreadingHTTPServer,
) -> None:
    # A service pod that is stopping closes its idle keep-alive connections; a request the
    # edge sent on one at that moment would be a 503 though nothing is wrong. nginx tries it
    # once more on a new connection, unless it is a POST (or PATCH) that may have been
    # processed: those are never replayed.
    port = int(stopping_service.server_address[1])
    url = run_edge(with_routes(repository_table(), Route("stopping", port, ("/api/v1/stopping",))))

    first = http.get(f"{url}/api/v1/stopping/1")  # the edge keeps connection 1
    second = http.get(f"{url}/api/v1/stopping/2")  # dropped on 1, answered on 2
    post = http.post(f"{url}/api/v1/stopping", json={})  # dropped on 2: not replayed

    assert (first.status_code, first.json()) == (200, {"connection": 1})
    assert (second.status_code, second.json()) == (200, {"connection": 2})
    assert_problem(post, 503)
    assert stopping_service.unanswered == 2  # type: ignore[attr-defined]
    assert stopping_service.connections == 2  # type: ignore[attr-defined]
