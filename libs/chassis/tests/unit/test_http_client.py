import asyncio
import contextlib
import itertools
import sys
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from opentelemetry import trace

from catalog_chassis.context import reset_correlation_id, set_correlation_id
from catalog_chassis.errors import ServiceUnavailable
from catalog_chassis.http_client import ServiceClient
from catalog_chassis.tracing import configure_tracing

_unique = itertools.count()


class Downstream:
    """A fake downstream service: answers with the next programmed outcome, counting calls."""

    def __init__(self, respond: Callable[[httpx.Request], httpx.Response]) -> None:
        self.respond = respond
        self.calls = 0
        self.last_request: httpx.Request | None = None

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        self.last_request = request
        return self.respond(request)

    def client(self, open_duration: timedelta = timedelta(seconds=20)) -> ServiceClient:
        # Breakers are per downstream name and process-wide: a fresh name per test.
        return ServiceClient(
            f"pricing-{next(_unique)}",
            "http://pricing.test",
            open_duration=open_duration,
            transport=httpx.MockTransport(self.handle),
        )


def answer(status: int) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json={"status": status})


def fail_with(error: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def respond(request: httpx.Request) -> httpx.Response:
        raise error("simulated", request=request)

    return respond


async def test_returns_successful_responses() -> None:
    downstream = Downstream(answer(200))
    async with downstream.client() as client:
        response = await client.get("/api/v1/prices/1")

    assert response.status_code == 200
    assert downstream.last_request is not None
    assert str(downstream.last_request.url) == "http://pricing.test/api/v1/prices/1"


async def test_uses_short_connect_and_read_timeouts() -> None:
    async with Downstream(answer(200)).client() as client:
        timeout = client._client.timeout

    assert (timeout.connect, timeout.read) == (2.0, 4.0)


async def test_client_errors_are_returned_and_do_not_open_the_circuit() -> None:
    downstream = Downstream(answer(404))
    async with downstream.client() as client:
        statuses = [(await client.get("/missing")).status_code for _ in range(5)]

    assert statuses == [404] * 5
    assert downstream.calls == 5


async def test_server_errors_are_service_unavailable_naming_the_downstream() -> None:
    async with Downstream(answer(500)).client() as client:
        with pytest.raises(ServiceUnavailable, match=client.name):
            await client.get("/boom")


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ReadTimeout, httpx.ConnectTimeout])
async def test_connection_failures_and_timeouts_are_service_unavailable(
    error: type[httpx.TransportError],
) -> None:
    async with Downstream(fail_with(error)).client() as client:
        with pytest.raises(ServiceUnavailable, match=client.name):
            await client.get("/slow")


async def test_opens_after_three_consecutive_failures_and_then_fails_fast() -> None:
    downstream = Downstream(answer(503))
    async with downstream.client() as client:
        for _ in range(3):
            with pytest.raises(ServiceUnavailable):
                await client.get("/flaky")
        assert downstream.calls == 3

        for _ in range(5):
            with pytest.raises(ServiceUnavailable, match="circuit open"):
                await client.get("/flaky")

    assert downstream.calls == 3


async def test_a_success_resets_the_failure_count() -> None:
    outcomes = iter([503, 503, 200, 503, 503, 200])
    downstream = Downstream(lambda request: httpx.Response(next(outcomes)))
    async with downstream.client() as client:
        for _ in range(6):
            with contextlib.suppress(ServiceUnavailable):
                await client.get("/flaky")

    assert downstream.calls == 6


async def test_half_opens_after_the_open_duration_and_closes_on_success() -> None:
    downstream = Downstream(answer(503))
    async with downstream.client(open_duration=timedelta(milliseconds=200)) as client:
        for _ in range(3):
            with pytest.raises(ServiceUnavailable):
                await client.get("/flaky")

        await asyncio.sleep(0.3)
        downstream.respond = answer(200)
        trial = await client.get("/flaky")
        after = await client.get("/flaky")

    assert (trial.status_code, after.status_code) == (200, 200)
    assert downstream.calls == 5


async def test_a_failed_trial_call_opens_the_circuit_again() -> None:
    downstream = Downstream(answer(503))
    async with downstream.client(open_duration=timedelta(milliseconds=200)) as client:
        for _ in range(3):
            with pytest.raises(ServiceUnavailable):
                await client.get("/flaky")
        await asyncio.sleep(0.3)

        with pytest.raises(ServiceUnavailable):
            await client.get("/flaky")  # the trial call
        with pytest.raises(ServiceUnavailable, match="circuit open"):
            await client.get("/flaky")

    assert downstream.calls == 4


async def test_clients_of_the_same_downstream_share_one_breaker() -> None:
    first = ServiceClient("shared-downstream", "http://a.test")
    second = ServiceClient("shared-downstream", "http://b.test")

    assert first.breaker is second.breaker
    await first.aclose()
    await second.aclose()


async def test_propagates_correlation_id_and_trace_context() -> None:
    provider = configure_tracing("http-client-test")
    downstream = Downstream(answer(200))
    token = set_correlation_id("corr-77")
    try:
        with provider.get_tracer("test").start_as_current_span("caller") as span:
            async with downstream.client() as client:
                await client.get("/api/v1/prices")
            trace_id = trace.format_trace_id(span.get_span_context().trace_id)
    finally:
        reset_correlation_id(token)

    assert downstream.last_request is not None
    headers = downstream.last_request.headers
    assert headers["X-Correlation-ID"] == "corr-77"
    assert headers["traceparent"].split("-")[1] == trace_id
    assert headers["X-B3-TraceId"] == trace_id


async def test_caller_headers_are_kept() -> None:
    downstream = Downstream(answer(200))
    async with downstream.client() as client:
        await client.post("/api/v1/prices", json={"a": 1}, headers={"Idempotency-Key": "k-1"})

    assert downstream.last_request is not None
    assert downstream.last_request.headers["Idempotency-Key"] == "k-1"
    assert downstream.last_request.content == b'{"a":1}'


class _RecordingFinder:
    """A meta path finder that only notes which modules the import system looked for."""

    def __init__(self) -> None:
        self.looked_for: list[str] = []

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        self.looked_for.append(name)


async def test_httpcore_finds_its_async_library_without_searching_for_a_module() -> None:
    # httpcore asks sniffio which async library runs, on every lock and every request; were
    # sniffio missing, each ask would be a failed import scanning sys.path (measured: a third
    # of an httpx client's CPU per request, bench/http_client.py).
    from httpcore._synchronization import current_async_library

    finder = _RecordingFinder()
    sys.meta_path.insert(0, finder)
    try:
        assert current_async_library() == "asyncio"
    finally:
        sys.meta_path.remove(finder)

    assert finder.looked_for == []
