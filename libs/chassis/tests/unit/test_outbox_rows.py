"""An outbox row holds the full CloudEvent and the trace context of the change."""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from catalog_chassis.context import reset_correlation_id, set_correlation_id
from catalog_chassis.domain import DomainEvent
from catalog_chassis.outbox import outbox_row


def price_locked() -> DomainEvent:
    return DomainEvent(
        aggregate_type="price",
        action="locked",
        type="PriceLocked",
        aggregate_id="p-1",
        data={"id": "p-1", "version": 3},
    )


def test_the_row_is_routed_by_aggregate_and_action() -> None:
    event = price_locked()

    row = outbox_row(event, service="pricing")

    assert row["routing_key"] == "price.locked"
    assert row["event_type"] == "PriceLocked"
    assert row["aggregate_type"] == "price"
    assert row["aggregate_id"] == "p-1"
    assert str(row["event_id"]) == event.event_id
    assert row["payload"]["id"] == event.event_id
    assert row["payload"]["source"] == "/catalog/pricing"
    assert row["payload"]["data"] == {"id": "p-1", "version": 3}


def test_the_row_captures_the_correlation_id_and_the_current_trace() -> None:
    span = SpanContext(
        trace_id=0x0AF7651916CD43DD8448EB211C80319C,
        span_id=0xB7AD6B7169203331,
        is_remote=False,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )
    token = set_correlation_id("corr-9")
    try:
        with trace.use_span(NonRecordingSpan(span)):
            row = outbox_row(price_locked(), service="pricing")
    finally:
        reset_correlation_id(token)

    assert row["payload"]["correlationid"] == "corr-9"
    assert row["headers"]["traceparent"] == (
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    )


def test_outside_any_trace_the_row_carries_no_trace_headers() -> None:
    row = outbox_row(price_locked(), service="pricing")

    assert "traceparent" not in row["headers"]
    assert "correlationid" not in row["payload"]
