import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import use_span
from starlette.types import Message, Receive, Scope, Send

from catalog_chassis.context import get_correlation_id
from catalog_chassis.correlation import RequestMiddleware, accept_or_create_correlation_id

UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

app = FastAPI()
app.add_middleware(RequestMiddleware)


@app.get("/seen")
async def seen() -> dict[str, str | None]:
    return {"correlationId": get_correlation_id()}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_accepts_a_sane_incoming_id_and_echoes_it(client: httpx.AsyncClient) -> None:
    response = await client.get("/seen", headers={"X-Correlation-ID": "order-42.retry_1"})

    assert response.headers["X-Correlation-ID"] == "order-42.retry_1"
    assert response.json() == {"correlationId": "order-42.retry_1"}


async def test_generates_a_uuid_when_none_is_sent(client: httpx.AsyncClient) -> None:
    response = await client.get("/seen")

    generated = response.headers["X-Correlation-ID"]
    assert re.fullmatch(UUID_PATTERN, generated)
    assert response.json() == {"correlationId": generated}


@pytest.mark.parametrize(
    "unsafe",
    ["a" * 129, "has space", "semi;colon", "new\\nline", "<script>", ""],
)
async def test_replaces_an_unsafe_incoming_id(client: httpx.AsyncClient, unsafe: str) -> None:
    response = await client.get("/seen", headers={"X-Correlation-ID": unsafe})

    assert response.headers["X-Correlation-ID"] != unsafe
    assert response.json() == {"correlationId": response.headers["X-Correlation-ID"]}


def test_accepts_an_id_of_exactly_128_characters() -> None:
    assert accept_or_create_correlation_id("x" * 128) == "x" * 128


async def test_context_is_cleared_after_the_request(client: httpx.AsyncClient) -> None:
    await client.get("/seen", headers={"X-Correlation-ID": "leaky"})

    assert get_correlation_id() is None


async def test_sets_the_id_on_the_current_span() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    span = provider.get_tracer("test").start_span("server")
    sent: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(b"x-correlation-id", b"span-tag-1")],
    }
    with use_span(span, end_on_exit=True):
        await RequestMiddleware(app)(scope, receive, send)

    [finished] = exporter.get_finished_spans()
    assert finished.attributes is not None
    assert finished.attributes["correlation_id"] == "span-tag-1"
    assert sent[0]["headers"] == [(b"x-correlation-id", b"span-tag-1")]
