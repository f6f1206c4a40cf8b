"""A discovered service is seeded, started with its settings, reported ready and stopped."""

from __future__ import annotations

import json
import socket
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from dev.localplatform import cli, services
from dev.localplatform.discovery import discover_services
from dev.localplatform.paths import Layout
from dev.localplatform.probes import wait_until_ready
from dev.localplatform.processes import is_alive, tracked_pid
from dev.localplatform.secrets_store import ensure_jwt_keys

from .conftest import free_port

pytestmark = pytest.mark.integration

# A stand-in service: /health/ready answers with the settings the process was started with.
FAKE_API = textwrap.dedent(
    """
    import json, os, sys
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            keys = ("SERVICE_NAME", "PORT", "ENVIRONMENT", "OTEL_SERVICE_NAME", "RABBITMQ_URL")
            body = json.dumps({key: os.environ.get(key) for key in keys}).encode()
            self.send_response(200 if self.path == "/health/ready" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
    """
)


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    layout = Layout(tmp_path)
    layout.ensure_dirs()
    return layout


def write_fake_service(layout: Layout, port: int) -> Path:
    directory = layout.services / "fake"
    directory.mkdir(parents=True)
    (directory / "api.py").write_text(FAKE_API)
    python = json.dumps(sys.executable)
    (directory / "pyproject.toml").write_text(
        "[tool.catalog]\n"
        f"port = {port}\n"
        f"seed = [{python}, \"-c\", \"open('seeded', 'w').write('yes')\"]\n"
        "[tool.catalog.processes]\n"
        f'api = [{python}, "api.py", "{{port}}"]\n'
        f'worker = [{python}, "-c", "import time; time.sleep(300)"]\n'
    )
    return directory


def test_up_seeds_starts_and_waits_for_a_service_and_down_stops_it(layout: Layout) -> None:
    port = free_port()
    directory = write_fake_service(layout, port)
    [spec] = discover_services(layout.services)
    platform_env = {"RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:5672/"}

    started, failed = cli.start_services(
        layout, [spec], platform_env, ensure_jwt_keys(layout), providers=[]
    )
    wait_until_ready(services.readiness(layout, spec), timeout=30)

    assert (started, failed) == ([spec], [])
    assert (directory / "seeded").read_text() == "yes"
    settings = httpx.get(f"http://127.0.0.1:{port}/health/ready", trust_env=False).json()
    assert settings == {
        "SERVICE_NAME": "fake",
        "PORT": str(port),
        "ENVIRONMENT": "development",
        "OTEL_SERVICE_NAME": "fake",
        "RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:5672/",
    }
    api_pid = tracked_pid(layout, "fake-api")
    worker_pid = tracked_pid(layout, "fake-worker")
    assert api_pid is not None and worker_pid is not None
    assert services.processes_to_start(layout, spec) == []

    cli.down(layout)

    assert not is_alive(api_pid)
    assert not is_alive(worker_pid)
    assert services.processes_to_start(layout, spec) == ["api", "worker"]


def test_a_port_served_by_a_process_up_did_not_start_is_refused_not_adopted(
    layout: Layout,
) -> None:
    """Another checkout's service on the port must not pass for this checkout's."""
    port = free_port()
    write_fake_service(layout, port)
    [spec] = discover_services(layout.services)
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", port))
    squatter.listen()
    try:
        started, failed = cli.start_services(
            layout, [spec], {"RABBITMQ_URL": "amqp://x"}, ensure_jwt_keys(layout), providers=[]
        )
        assert (started, failed) == ([], ["fake"])
        assert tracked_pid(layout, "fake-api") is None
        [api_check] = [c for c in services.readiness(layout, spec) if c.name == "fake-api"]
        assert not api_check.ready()
    finally:
        squatter.close()
        cli.down(layout)
