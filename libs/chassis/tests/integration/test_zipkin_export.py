"""Traces of a chassis app reach the real Zipkin and can be found by correlation id."""

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter
from opentelemetry import trace
from opentelemetry.exporter.zipkin.json import ZipkinExporter
from opentelemetry.sdk.resources import SERVICE_NAME
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from catalog_chassis.app import create_app
from catalog_chassis.settings import ServiceSettings
from catalog_chassis.tracing import configure_tracing

pytestmark = pytest.mark.integration

ZIPKIN_JAR = (
    Path.home() / ".m2/repository/io/zipkin/zipkin-server/3.6.1/zipkin-server-3.6.1-exec.jar"
)
PLATFORM_ENV = Path(__file__).resolve().parents[4] / ".local" / "platform.env"


def configured_zipkin_url() -> str:
    if "ZIPKIN_URL" in os.environ:
        return os.environ["ZIPKIN_URL"]
    if PLATFORM_ENV.exists():
        for line in PLATFORM_ENV.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "ZIPKIN_URL":
                return value.strip()
    return "http://127.0.0.1:9411"


def zipkin_is_up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def zipkin_url() -> Iterator[str]:
    """The platform's Zipkin, or one started here (in-memory storage) when it is not up."""
    url = configured_zipkin_url()
    if zipkin_is_up(url):
        yield url
        return
    java = shutil.which("java")
    if java is None or not ZIPKIN_JAR.exists():
        pytest.skip("Zipkin is not running and cannot be started (java or the jar is missing)")
    process = subprocess.Popen(
        [java, "-jar", str(ZIPKIN_JAR)],
        env={**os.environ, "STORAGE_TYPE": "mem"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while not zipkin_is_up(url):
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("Zipkin did not become healthy")
            time.sleep(1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


router = APIRouter(prefix="/api/v1/traced", tags=["traced"])


@router.get("")
async def traced() -> dict[str, str]:
    with trace.get_tracer(__name__).start_as_current_span("load-offering"):
        return {"status": "ok"}


def find_traces(zipkin_url: str, service: str, correlation_id: str) -> list[list[dict[str, Any]]]:
    """Poll Zipkin's query API: collection is asynchronous, so the trace shows up shortly."""
    deadline = time.monotonic() + 15
    while True:
        response = httpx.get(
            f"{zipkin_url}/api/v2/traces",
            params={
                "serviceName": service,
                "annotationQuery": f"correlation_id={correlation_id}",
                "lookback": 3_600_000,
            },
            timeout=5,
        )
        response.raise_for_status()
        traces: list[list[dict[str, Any]]] = response.json()
        if traces or time.monotonic() > deadline:
            return traces
        time.sleep(0.5)


async def test_request_trace_is_found_in_zipkin_by_correlation_id(zipkin_url: str) -> None:
    provider = configure_tracing("chassis-zipkin-test")
    # The provider is process-wide; attach the exporter OTEL_TRACES_EXPORTER=zipkin would add,
    # because another test may have created the provider before the variable was set.
    exporter = BatchSpanProcessor(ZipkinExporter(endpoint=f"{zipkin_url}/api/v2/spans"))
    provider.add_span_processor(exporter)
    service = str(provider.resource.attributes[SERVICE_NAME]).lower()
    app = create_app(
        ServiceSettings(service_name="chassis-zipkin-test"), title="Traced", routers=[router]
    )
    correlation_id = f"zipkin-test-{uuid.uuid4()}"

    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get(
                "/api/v1/traced", headers={"X-Correlation-ID": correlation_id}
            )
        assert response.status_code == 200
        assert provider.force_flush()
        traces = find_traces(zipkin_url, service, correlation_id)
    finally:
        exporter.shutdown()

    assert len(traces) == 1
    spans = traces[0]
    tagged = {span["name"] for span in spans if span.get("tags", {}).get("correlation_id")}
    assert {"get /api/v1/traced", "load-offering"} <= tagged
    assert all(span["tags"]["correlation_id"] == correlation_id for span in spans)
    server = next(span for span in spans if span.get("kind") == "SERVER")
    assert server["localEndpoint"]["serviceName"] == service
