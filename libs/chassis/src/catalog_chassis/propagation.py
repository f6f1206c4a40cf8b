"""The current trace context, carried beyond HTTP: in outbox events and process variables."""

from __future__ import annotations

from opentelemetry import propagate


def current_trace_headers() -> dict[str, str]:
    """The active trace context as propagation headers (traceparent, tracestate, b3...).

    Uses the globally configured propagators, so whatever the tracing setup propagates over
    HTTP is also what travels with an event or a process instance.
    """
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier
