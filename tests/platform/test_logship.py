"""Log shipping (dev/localplatform/logship.py): rsyslog follows every process's JSON log and
the edge's, OpenSearch keeps them in daily indices with the identifiers as keywords, and one
request's lines come back from every process in time order (`make logs CORRELATION_ID=`)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import httpx
import pytest

from dev.localplatform import logship
from dev.localplatform.discovery import ServiceSpec
from dev.localplatform.opensearch import URL as OPENSEARCH_URL
from dev.localplatform.paths import DEFAULT_LAYOUT, REPO_ROOT, Layout


def pricing(tmp_path: Path) -> ServiceSpec:
    return ServiceSpec(
        name="pricing",
        directory=tmp_path,
        port=8004,
        database=True,
        processes={"api": ["x"], "relay": ["x"], "saga-worker": ["x"]},
    )


def test_every_process_log_and_the_edges_access_log_are_followed(tmp_path: Path) -> None:
    layout = Layout(root=tmp_path)

    shipped = logship.sources(layout, [pricing(tmp_path)])
    config = logship.render_config(layout, shipped)

    assert [(s.tag, s.path.name) for s in shipped] == [
        ("pricing-api", "pricing-api.log"),
        ("pricing-relay", "pricing-relay.log"),
        ("pricing-saga-worker", "pricing-saga-worker.log"),
        ("edge", "edge-access.log"),
    ]
    for source in shipped:
        assert f'File="{source.path}" Tag="{source.tag}"' in config
    assert 'type="omelasticsearch"' in config
    assert 'server="127.0.0.1" serverport="9200"' in config
    # Retried without end while OpenSearch is away; the queue survives a restart.
    assert 'action.resumeRetryCount="-1"' in config
    assert 'queue.saveOnShutdown="on"' in config


def test_the_identifiers_are_keywords_and_the_time_a_date() -> None:
    template = logship.index_template()
    properties = template["template"]["mappings"]["properties"]

    assert template["index_patterns"] == ["catalog-logs-*"]
    for field in ("correlation_id", "trace_id", "service", "level", "process"):
        assert properties[field] == {"type": "keyword"}, field
    assert properties["timestamp"] == {"type": "date"}
    assert properties["message"] == {"type": "text"}


def test_only_daily_indices_older_than_the_retention_are_deleted() -> None:
    names = [
        "catalog-logs-2026.11.29",
        "catalog-logs-2026.11.22",
        "catalog-logs-2026.11.21",
        "catalog-logs-2025.01.01",
        "catalog-logs-kept-by-hand",
        "offerings-v2",
    ]

    expired = logship.expired_indices(names, dt.date(2026, 11, 29), days=7)

    assert expired == ["catalog-logs-2025.01.01", "catalog-logs-2026.11.21"]


def test_a_line_prints_time_process_level_and_message() -> None:
    service = {
        "timestamp": "2026-11-29T11:20:30.043Z",
        "process": "pricing-api",
        "level": "INFO",
        "message": "price created",
    }
    edge = {
        "timestamp": "2026-11-29T11:20:30.048+00:00",
        "process": "edge",
        "method": "GET",
        "uri": "/api/v1/prices",
        "status": 200,
        "duration": 0.064,
    }

    assert logship.format_line(service).split() == [
        "2026-11-29T11:20:30.043Z",
        "pricing-api",
        "INFO",
        "price",
        "created",
    ]
    assert "GET /api/v1/prices -> 200 in 0.064s" in logship.format_line(edge)


# ---------------------------------------------------------------------------------------------
# the running platform (integration)


@pytest.fixture
def admin_headers(edge_url: str) -> dict[str, str]:
    response = httpx.post(
        f"{edge_url}/api/v1/auth/login",
        json={"username": "admin", "password": "admin"},
        timeout=10,
        trust_env=False,
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.mark.integration
def test_rsyslog_accepts_the_generated_configuration() -> None:
    assert shutil.which("rsyslogd") or logship.BINARY.exists(), "make up installs rsyslog"
    config = logship.config_file(DEFAULT_LAYOUT)

    logship.check_config(config)  # raises PlatformError with rsyslog's complaint


@pytest.mark.integration
def test_one_requests_lines_from_the_edge_and_the_service_come_back_in_time_order(
    admin_headers: dict[str, str], edge_url: str
) -> None:
    correlation_id = f"logs-{uuid.uuid4()}"
    response = httpx.get(
        f"{edge_url}/api/v1/characteristics",
        params={"limit": 1},
        headers={**admin_headers, "X-Correlation-ID": correlation_id},
        timeout=10,
        trust_env=False,
    )
    assert response.status_code == 200

    deadline = time.monotonic() + 30
    while True:  # shipped within seconds of being written
        lines = logship.request_lines(correlation_id)
        if {"edge", "characteristic-api"} <= {line["process"] for line in lines}:
            break
        assert time.monotonic() < deadline, f"not shipped within 30 s: {lines}"
        time.sleep(0.5)

    # The edge started the request's trace: its line and the service's share the trace id.
    trace_ids = {line["process"]: line["trace_id"] for line in lines}
    assert trace_ids["edge"] and trace_ids["edge"] == trace_ids["characteristic-api"]
    stamps = [dt.datetime.fromisoformat(line["timestamp"].replace("Z", "+00:00")) for line in lines]
    assert stamps == sorted(stamps)
    # The edge writes its line when the answer is sent: after the service's.
    assert lines[-1]["process"] == "edge"
    assert {line["correlation_id"] for line in lines} == {correlation_id}
    mapping = httpx.get(f"{OPENSEARCH_URL}/catalog-logs-*/_mapping", timeout=10).json()
    for index in mapping.values():
        assert index["mappings"]["properties"]["correlation_id"]["type"] == "keyword"

    printed = subprocess.run(
        [sys.executable, "dev/platform.py", "logs", "--correlation-id", correlation_id],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert printed.returncode == 0, printed.stderr
    assert [line.split()[1] for line in printed.stdout.splitlines()] == [
        line["process"] for line in lines
    ]


@pytest.mark.integration
def test_a_clients_traceparent_is_the_trace_the_edge_and_the_service_log(
    admin_headers: dict[str, str], edge_url: str
) -> None:
    trace_id = uuid.uuid4().hex
    correlation_id = f"trace-{uuid.uuid4()}"
    # urllib, not httpx: an httpx client instrumented by an earlier test in this process would
    # put its own traceparent in place of ours.
    assert edge_url.startswith("http://")
    request = urllib.request.Request(  # noqa: S310 - the edge's http URL
        f"{edge_url}/api/v1/characteristics?limit=1",
        headers={
            **admin_headers,
            "X-Correlation-ID": correlation_id,
            "traceparent": f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01",
        },
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        assert response.status == 200

    deadline = time.monotonic() + 30
    while True:
        lines = logship.request_lines(correlation_id)
        if {"edge", "characteristic-api"} <= {line["process"] for line in lines}:
            break
        assert time.monotonic() < deadline, f"not shipped within 30 s: {lines}"
        time.sleep(0.5)

    assert {line["trace_id"] for line in lines} == {trace_id}
