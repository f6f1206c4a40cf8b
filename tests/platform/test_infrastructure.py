"""The infrastructure `up` starts: the event exchanges, and `status` reporting it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from dev.localplatform.cli import status
from dev.localplatform.paths import DEFAULT_LAYOUT, Layout

from .conftest import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def management() -> httpx.Client:
    url = os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")
    return httpx.Client(base_url=url, auth=("guest", "guest"), timeout=10, trust_env=False)


@pytest.mark.parametrize("name", ["catalog.events", "catalog.events.dlx"])
def test_event_exchanges_are_durable_topic_exchanges(management: httpx.Client, name: str) -> None:
    response = management.get(f"/api/exchanges/%2F/{name}")

    assert response.status_code == 200
    exchange = response.json()
    assert (exchange["type"], exchange["durable"], exchange["auto_delete"]) == (
        "topic",
        True,
        False,
    )


def test_platform_env_points_at_the_running_infrastructure() -> None:
    assert os.environ["RABBITMQ_MANAGEMENT_URL"] == "http://127.0.0.1:15672"
    assert httpx.get(f"{os.environ['ZIPKIN_URL']}/health", trust_env=False).status_code == 200


def test_status_reports_the_infrastructure_up() -> None:
    result = subprocess.run(
        [sys.executable, str(DEFAULT_LAYOUT.root / "dev" / "platform.py"), "status"],
        capture_output=True,
        text=True,
        check=False,
    )

    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line}
    assert rows["postgres"][0] == "up"
    assert rows["rabbitmq"] == ["up", "http://127.0.0.1:15672"]
    assert rows["zipkin"] == ["up", "http://127.0.0.1:9411"]
    assert rows["ferretdb"] == ["up", "mongodb://127.0.0.1:27017"]
    assert rows["opensearch"] == ["up", "http://127.0.0.1:9200"]
    assert rows["edge"] == ["up", "http://127.0.0.1:8080"]


def test_status_reports_a_service_that_is_not_running_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layout = Layout(tmp_path)
    routes = layout.routes_file
    routes.parent.mkdir(parents=True)
    shutil.copy(DEFAULT_LAYOUT.routes_file, routes)
    service = layout.services / "ghost"
    service.mkdir(parents=True)
    port = free_port()
    (service / "pyproject.toml").write_text(
        f'[tool.catalog]\nport = {port}\n[tool.catalog.processes]\napi = ["true"]\n'
    )

    exit_code = status(layout)

    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()}
    assert rows["ghost-api"] == ["DOWN", f"http://127.0.0.1:{port}/health/ready"]
    assert rows["postgres"][0] == "up"
    assert exit_code == 1
