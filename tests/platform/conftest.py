"""Fixtures for the local platform's tests: the platform package and throwaway nginx edges."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# The platform package lives in dev/, outside any installed distribution.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from dev.localplatform.edge_config import EdgePaths, render_nginx_conf  # noqa: E402
from dev.localplatform.routes import RouteTable  # noqa: E402

NGINX = "/usr/sbin/nginx"


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it; we close it straight away)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def edge_url() -> str:
    return os.environ.get("EDGE_URL", "http://127.0.0.1:8080")


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    # trust_env=False: local traffic must never go through a proxy from the environment.
    with httpx.Client(timeout=10.0, trust_env=False) as client:
        yield client


@pytest.fixture
def run_edge(tmp_path: Path) -> Iterator[Callable[[RouteTable], str]]:
    """Starts a throwaway nginx edge for a route table; returns its base URL."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed; `make up` installs it")
    started: list[subprocess.Popen[bytes]] = []

    def start(table: RouteTable) -> str:
        prefix = tmp_path / f"edge-{len(started)}"
        (prefix / "temp").mkdir(parents=True)
        paths = EdgePaths(prefix, prefix / "access.log", prefix / "error.log")
        paths.conf_file.write_text(render_nginx_conf(table, paths, include_frontend=False))
        args = [NGINX, "-p", str(prefix), "-c", str(paths.conf_file), "-e", str(paths.error_log)]
        started.append(subprocess.Popen(args, stdin=subprocess.DEVNULL))
        url = f"http://127.0.0.1:{table.edge.port}"
        _wait_for_port(table.edge.port, started[-1], paths.error_log)
        return url

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)
    shutil.rmtree(tmp_path, ignore_errors=True)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], error_log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx exited: {error_log.read_text() if error_log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"nginx did not listen on {port}")
