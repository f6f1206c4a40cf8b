"""A request through the edge is traceable: Zipkin finds its trace by correlation id, and the
service's JSON log lines carry the same correlation and trace ids."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import pytest

pytestmark = pytest.mark.system


async def find_traces(zipkin_url: str, correlation_id: str, within: float = 15.0) -> list:
    async with httpx.AsyncClient(base_url=zipkin_url, timeout=5) as zipkin:
        deadline = asyncio.get_running_loop().time() + within
        while True:
            found = await zipkin.get(
                "/api/v2/traces",
                params={"annotationQuery": f"correlation_id={correlation_id}", "limit": 10},
            )
            if found.status_code == 200 and found.json():
                return found.json()
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no trace tagged correlation_id={correlation_id}")
            await asyncio.sleep(0.5)


@pytest.mark.local_only
async def test_a_request_through_the_edge_is_found_in_zipkin_and_in_the_logs(
    edge, admin, zipkin_url, service_log
):
    correlation_id = f"system-{uuid.uuid4()}"
    response = await edge.get(
        "/api/v1/characteristics", headers={**admin, "X-Correlation-ID": correlation_id}
    )
    assert response.status_code == 200
    assert response.headers["x-correlation-id"] == correlation_id

    traces = await find_traces(zipkin_url, correlation_id)
    spans = [span for trace in traces for span in trace]
    trace_ids = {span["traceId"] for span in spans}
    assert len(trace_ids) == 1
    assert {span["localEndpoint"]["serviceName"] for span in spans} >= {"characteristic"}
    assert any(span.get("kind") == "SERVER" for span in spans)
    # The database work of the request is part of the same trace.
    assert any(
        "SELECT" in span.get("name", "").upper() or "db.system" in span.get("tags", {})
        for span in spans
    )

    lines = [
        json.loads(line) for line in service_log("characteristic-api") if correlation_id in line
    ]
    assert lines, "no log line carries the correlation id"
    for line in lines:
        assert line["correlation_id"] == correlation_id
        assert line["trace_id"] in trace_ids
        assert line["service"] == "characteristic"
        assert {"timestamp", "level", "message", "span_id"} <= set(line)


async def test_the_edge_generates_a_correlation_id_when_none_is_given(edge, admin):
    response = await edge.get("/api/v1/characteristics", headers=admin)
    generated = response.headers["x-correlation-id"]
    assert len(generated) >= 16
    second = await edge.get("/api/v1/characteristics", headers=admin)
    assert second.headers["x-correlation-id"] != generated
