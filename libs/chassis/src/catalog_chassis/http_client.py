"""Calls to other services: short timeouts, a circuit breaker per downstream, context headers.

A slow or failing dependency must not tie up this service. Each downstream (by name) has one
aiobreaker `CircuitBreaker`, shared by every `ServiceClient` for it in the process: after
three consecutive failures (5xx, timeout, connection error) calls fail fast for a while,
then one trial call decides whether to close it again. Failures reach the caller as
`ServiceUnavailable` naming the downstream, which the API reports as 503.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import httpx
from aiobreaker import CircuitBreaker, CircuitBreakerError
from opentelemetry.propagate import inject

from catalog_chassis.context import CORRELATION_HEADER, get_correlation_id
from catalog_chassis.errors import ServiceUnavailable
from catalog_chassis.references import Known, MalformedSnapshot

K = TypeVar("K", bound=Known)

DEFAULT_TIMEOUT = httpx.Timeout(connect=2.0, read=4.0, write=4.0, pool=2.0)
DEFAULT_FAIL_MAX = 3
DEFAULT_OPEN_DURATION = timedelta(seconds=20)

_breakers: dict[str, CircuitBreaker] = {}


def circuit_breaker_for(
    name: str,
    *,
    fail_max: int = DEFAULT_FAIL_MAX,
    open_duration: timedelta = DEFAULT_OPEN_DURATION,
) -> CircuitBreaker:
    """The process-wide breaker of a downstream; created with the first caller's settings."""
    breaker = _breakers.get(name)
    if breaker is None:
        breaker = CircuitBreaker(fail_max=fail_max, timeout_duration=open_duration, name=name)
        _breakers[name] = breaker
    return breaker


class _DownstreamServerError(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


class ServiceClient:
    """An HTTP client for one downstream service, e.g. `ServiceClient("pricing", url)`."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        fail_max: int = DEFAULT_FAIL_MAX,
        open_duration: timedelta = DEFAULT_OPEN_DURATION,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = name
        self.breaker = circuit_breaker_for(name, fail_max=fail_max, open_duration=open_duration)
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=timeout, headers=headers, transport=transport
        )

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send a request; any response below 500 is returned for the caller to interpret.

        Raises `ServiceUnavailable` when the circuit is open, the call times out or cannot
        connect, or the downstream answers 5xx.
        """
        headers = httpx.Headers(kwargs.pop("headers", None))
        headers.update(_context_headers())
        request = self._client.build_request(method, url, headers=headers, **kwargs)
        try:
            response: httpx.Response = await self.breaker.call_async(self._send, request)
        except CircuitBreakerError as error:
            raise ServiceUnavailable(f"{self.name} is unavailable (circuit open)") from error
        except _DownstreamServerError as error:
            raise ServiceUnavailable(
                f"{self.name} failed with HTTP {error.response.status_code}"
            ) from error
        except httpx.TimeoutException as error:
            raise ServiceUnavailable(f"{self.name} did not answer in time") from error
        except httpx.TransportError as error:
            raise ServiceUnavailable(f"{self.name} is unreachable") from error
        return response

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", url, **kwargs)

    async def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PUT", url, **kwargs)

    async def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PATCH", url, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("DELETE", url, **kwargs)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self._client.send(request)
        if response.status_code >= 500:
            # Raised inside the breaker so that it counts; 4xx are the caller's mistakes.
            raise _DownstreamServerError(response)
        return response


def _context_headers() -> dict[str, str]:
    """Correlation id and trace context (W3C traceparent and B3) of the current request."""
    headers: dict[str, str] = {}
    correlation_id = get_correlation_id()
    if correlation_id:
        headers[CORRELATION_HEADER] = correlation_id
    inject(headers)
    return headers


class HttpDirectory(Generic[K]):
    """The ``ReferenceDirectory`` of a resource another service owns: ``GET <path>/{id}``
    through a ServiceClient (timeouts, circuit breaker, correlation and trace headers), the
    body read by ``parse`` (the owner's snapshot parser; its events carry the same shape)."""

    def __init__(
        self, client: ServiceClient, path: str, parse: Callable[[Mapping[str, Any]], K]
    ) -> None:
        self._client = client
        self._path = path.rstrip("/")
        self._parse = parse

    async def find(self, item_id: uuid.UUID, *, credentials: str | None) -> K | None:
        # The owner's API wants an authenticated caller: the lookup is theirs.
        headers = {"Authorization": f"Bearer {credentials}"} if credentials else {}
        response = await self._client.get(f"{self._path}/{item_id}", headers=headers)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            # Not the caller's mistake (their token was good enough for us): we cannot tell.
            raise ServiceUnavailable(
                f"{self._client.name} answered HTTP {response.status_code} to a lookup"
            )
        try:
            return self._parse(response.json())
        except (ValueError, MalformedSnapshot) as error:
            raise ServiceUnavailable(
                f"{self._client.name} answered a lookup with an unexpected body"
            ) from error

    async def aclose(self) -> None:
        await self._client.aclose()
