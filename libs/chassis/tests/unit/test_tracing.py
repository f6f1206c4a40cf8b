from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import APIRouter
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.exporter.zipkin.json import ZipkinExporter
from opentelemetry.propagate import get_global_textmap
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from catalog_chassis.app import create_app
from catalog_chassis.context import reset_correlation_id, set_correlation_id
from catalog_chassis.settings import ServiceSettings
from catalog_chassis.tracing import _exporters_from_environment, configure_tracing


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = configure_tracing("tracing-test")
    processor = SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    yield exporter
    # Detach: the provider is process-wide and later tests must not feed this exporter.
    processor.shutdown()


def test_every_span_is_tagged_with_the_correlation_id(spans: InMemorySpanExporter) -> None:
    tracer = trace.get_tracer("test")
    token = set_correlation_id("corr-span-1")
    try:
        with tracer.start_as_current_span("outer"), tracer.start_as_current_span("inner"):
            pass
    finally:
        reset_correlation_id(token)
    with tracer.start_as_current_span("outside any request"):
        pass

    by_name = {span.name: span.attributes or {} for span in spans.get_finished_spans()}
    assert by_name["outer"]["correlation_id"] == "corr-span-1"
    assert by_name["inner"]["correlation_id"] == "corr-span-1"
    assert "correlation_id" not in by_name["outside any request"]


def test_is_idempotent() -> None:
    first = configure_tracing("tracing-test")
    second = configure_tracing("tracing-test")

    assert first is second
    assert trace.get_tracer_provider() is first
    assert isinstance(first, TracerProvider)


def test_propagates_w3c_tracecontext_baggage_and_b3() -> None:
    configure_tracing("tracing-test")

    fields = get_global_textmap().fields

    assert {"traceparent", "baggage", "x-b3-traceid", "x-b3-spanid"} <= set(fields)


router = APIRouter(prefix="/traced", tags=["traced"])


@router.get("")
async def traced_endpoint() -> dict[str, str]:
    with trace.get_tracer("test").start_as_current_span("inside the handler"):
        return {"ok": "yes"}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(ServiceSettings(service_name="tracing-test"), title="T", routers=[router])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_request_spans_carry_the_request_correlation_id(
    spans: InMemorySpanExporter, client: httpx.AsyncClient
) -> None:
    await client.get("/traced", headers={"X-Correlation-ID": "corr-http-1"})

    finished = spans.get_finished_spans()
    server = [span for span in finished if span.kind == trace.SpanKind.SERVER]
    assert [span.name for span in server] == ["GET /traced"]
    handler_span = next(span for span in finished if span.name == "inside the handler")
    assert (server[0].attributes or {})["correlation_id"] == "corr-http-1"
    assert (handler_span.attributes or {})["correlation_id"] == "corr-http-1"
    assert handler_span.context.trace_id == server[0].context.trace_id


async def test_a_request_makes_no_span_per_asgi_message(
    spans: InMemorySpanExporter, client: httpx.AsyncClient
) -> None:
    await client.get("/traced")

    names = [span.name for span in spans.get_finished_spans()]
    assert "GET /traced" in names
    assert not [name for name in names if name.endswith((" http send", " http receive"))]


async def test_incoming_b3_headers_continue_the_callers_trace(
    spans: InMemorySpanExporter, client: httpx.AsyncClient
) -> None:
    caller_trace_id = "463ac35c9f6413ad48485a3953bb6124"
    await client.get(
        "/traced",
        headers={
            "X-B3-TraceId": caller_trace_id,
            "X-B3-SpanId": "a2fb4a1d1a96d312",
            "X-B3-Sampled": "1",
        },
    )

    [server] = [s for s in spans.get_finished_spans() if s.kind == trace.SpanKind.SERVER]
    assert trace.format_trace_id(server.context.trace_id) == caller_trace_id


async def test_health_probes_are_not_traced(
    spans: InMemorySpanExporter, client: httpx.AsyncClient
) -> None:
    await client.get("/health")

    assert spans.get_finished_spans() == ()


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("zipkin", [ZipkinExporter]),
        ("otlp", [OTLPSpanExporter]),
        ("none", []),
        ("zipkin,otlp", [ZipkinExporter, OTLPSpanExporter]),
        (None, []),
    ],
)
def test_exporter_follows_otel_traces_exporter(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, expected: list[type]
) -> None:
    if setting is None:
        monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)
    else:
        monkeypatch.setenv("OTEL_TRACES_EXPORTER", setting)
    monkeypatch.setenv("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://127.0.0.1:9411/api/v2/spans")

    exporters = _exporters_from_environment()

    assert [type(exporter) for exporter in exporters] == expected
    zipkin = [exporter for exporter in exporters if isinstance(exporter, ZipkinExporter)]
    assert all(z.endpoint == "http://127.0.0.1:9411/api/v2/spans" for z in zipkin)
    for exporter in exporters:
        exporter.shutdown()
