"""OpenTelemetry tracing: provider, exporter, propagators and library instrumentation.

The exporter follows the standard environment: OTEL_TRACES_EXPORTER=zipkin (local platform,
endpoint OTEL_EXPORTER_ZIPKIN_ENDPOINT), otlp (the collector sidecar in Kubernetes) or none.
Unset means none: a process started without tracing configured stays quiet instead of
retrying a collector that is not there. Propagation speaks W3C tracecontext and baggage, and
B3 multi-header for peers that only know Zipkin's headers.

`configure_tracing` is idempotent: the provider is process-wide and set once; each app and
engine is instrumented once however often it is called.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from fastapi import FastAPI
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.propagate import set_global_textmap
from opentelemetry.propagators.b3 import B3MultiFormat
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from catalog_chassis.context import get_correlation_id
from catalog_chassis.correlation import CORRELATION_SPAN_ATTRIBUTE

# Polled endpoints that would drown the real traffic in traces.
UNTRACED_URLS = "/health,/metrics"

logger = logging.getLogger(__name__)

_provider: TracerProvider | None = None


class CorrelationIdSpanProcessor(SpanProcessor):
    """Tags every span with the correlation id, so Zipkin can find a request's traces by it."""

    def on_start(self, span: Span, parent_context: otel_context.Context | None = None) -> None:
        correlation_id = get_correlation_id()
        if correlation_id:
            span.set_attribute(CORRELATION_SPAN_ATTRIBUTE, correlation_id)

    def on_end(self, span: ReadableSpan) -> None:
        return None

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def configure_tracing(
    service_name: str,
    *,
    app: FastAPI | None = None,
    engine: AsyncEngine | Engine | None = None,
) -> TracerProvider:
    provider = _configure_provider(service_name)
    _instrument_once(HTTPXClientInstrumentor(), tracer_provider=provider)
    if app is not None and not getattr(app, "_is_instrumented_by_opentelemetry", False):
        FastAPIInstrumentor.instrument_app(
            app,
            tracer_provider=provider,
            excluded_urls=UNTRACED_URLS,
            # A span per ASGI message ("http send", "http receive") costs about a fifth of
            # a request's CPU and tells nothing the request's own span does not.
            exclude_spans=["receive", "send"],
        )
    if engine is not None:
        sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
        # The instrumentor is a process-wide singleton: it traces the first engine handed
        # to it (a service has one) and, from then on, engines made by create_engine.
        # It spans every statement; the asyncpg instrumentation is not added on top, as it
        # would trace each statement twice (and every pool ping) at a measurable cost.
        _instrument_once(SQLAlchemyInstrumentor(), tracer_provider=provider, engine=sync_engine)
    return provider


def current_tracer_provider() -> TracerProvider | None:
    return _provider


def _configure_provider(service_name: str) -> TracerProvider:
    global _provider
    if _provider is not None:
        return _provider
    existing = trace.get_tracer_provider()
    if isinstance(existing, TracerProvider):
        provider = existing  # set up by someone else (e.g. opentelemetry-instrument)
    else:
        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
        for exporter in _exporters_from_environment():
            provider.add_span_processor(BatchSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
    provider.add_span_processor(CorrelationIdSpanProcessor())
    set_global_textmap(
        CompositePropagator(
            [TraceContextTextMapPropagator(), W3CBaggagePropagator(), B3MultiFormat()]
        )
    )
    _provider = provider
    return provider


def _exporters_from_environment() -> list[SpanExporter]:
    names = os.environ.get("OTEL_TRACES_EXPORTER", "none").lower().split(",")
    exporters: list[SpanExporter] = []
    # Exporter modules are imported on demand: each pulls in its own transport stack.
    for name in (n.strip() for n in names):
        if name == "zipkin":
            from opentelemetry.exporter.zipkin.json import ZipkinExporter

            exporters.append(ZipkinExporter())
        elif name == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporters.append(OTLPSpanExporter())
        elif name not in ("none", ""):
            logger.warning("Ignoring unsupported OTEL_TRACES_EXPORTER value %r", name)
    return exporters


def _instrument_once(instrumentor: Any, **options: Any) -> None:
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(**options)
