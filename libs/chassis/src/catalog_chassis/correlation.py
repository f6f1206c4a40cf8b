"""Correlation ids of inbound HTTP requests, and the service's one request middleware.

A pure ASGI middleware (no BaseHTTPMiddleware: that one runs the app in another task and
would hide the context variable from it). It accepts the caller's X-Correlation-ID when it
is a sane token, otherwise mints one, and echoes it on every response.
"""

from __future__ import annotations

import re
import time

from opentelemetry import trace
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog_chassis.context import (
    CORRELATION_HEADER,
    new_correlation_id,
    reset_correlation_id,
    set_correlation_id,
)
from catalog_chassis.metrics import METRICS_PATH, record_request

CORRELATION_SPAN_ATTRIBUTE = "correlation_id"

# Anything else (too long, spaces, control characters) could forge log lines or headers.
_SANE_CORRELATION_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def accept_or_create_correlation_id(candidate: str | None) -> str:
    if candidate is not None and _SANE_CORRELATION_ID.fullmatch(candidate):
        return candidate
    return new_correlation_id()


class RequestMiddleware:
    """What every request gets, in one ASGI layer (one ``send`` wrapper instead of three):

    * its correlation id (the caller's X-Correlation-ID when sane, else a new one) in the
      context, on the server span and echoed on the response;
    * ``http_requests_total`` and ``http_request_duration_seconds`` by method, route
      template and status (a failure before any answer counts as 500; ``/metrics`` itself is
      not counted);
    * an exception the problem handler has already answered (and logged) stops here: the
      server's second stack trace would lack the correlation id and only repeat the first.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        correlation_id = accept_or_create_correlation_id(_header(scope, CORRELATION_HEADER))
        span = trace.get_current_span()
        if span.is_recording():
            span.set_attribute(CORRELATION_SPAN_ATTRIBUTE, correlation_id)
        status = 0  # none sent yet

        async def send_answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                if CORRELATION_HEADER not in headers:
                    headers.append(CORRELATION_HEADER, correlation_id)
            await send(message)

        token = set_correlation_id(correlation_id)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_answer)
        except Exception:
            if not status:
                raise
        finally:
            reset_correlation_id(token)
            if scope.get("path") != METRICS_PATH:
                record_request(scope, status or 500, time.perf_counter() - started)


def _header(scope: Scope, name: str) -> str | None:
    wanted = name.lower().encode("latin-1")
    for key, value in scope.get("headers", []):
        if key.lower() == wanted:
            return bytes(value).decode("latin-1")
    return None
