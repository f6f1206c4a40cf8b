"""Prometheus metrics: request count and latency by method, route template and status.

Labels use the route template (`/api/v1/prices/{price_id}`), never the raw path, so the
number of series stays bounded; requests that match no route share one label.
"""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

METRICS_PATH = "/metrics"
UNMATCHED_ROUTE = "<unmatched>"

REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests handled, by method, route template and status code.",
    ["method", "route", "status"],
)
REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to handle an HTTP request, by method, route template and status code.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def record_request(scope: Scope, status: int, seconds: float) -> None:
    """Count one answered request (see ``correlation.RequestMiddleware``)."""
    labels = (scope["method"], _route_template(scope), str(status))
    REQUESTS.labels(*labels).inc()
    REQUEST_DURATION.labels(*labels).observe(seconds)


def install_metrics_endpoint(app: FastAPI) -> None:
    async def metrics(_: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.add_route(METRICS_PATH, metrics, include_in_schema=False)


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE
