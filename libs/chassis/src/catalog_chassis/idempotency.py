"""``Idempotency-Key`` on POST: the first response for a key is stored and replayed.

Follows the IETF draft "The Idempotency-Key HTTP Header Field": a repeat with the same key
and the same body gets the first response again (plus ``Idempotent-Replayed: true``); the
same key with another body is a 422; a repeat while the first request is still running is
a 409; a malformed key is a 400. Keys live 24 hours and are scoped to method, path and the
caller, so one client's key never replays another client's response.

Why a pure ASGI middleware and not a FastAPI dependency: the stored response must be the
bytes that actually went out, whatever produced them (JSONResponse, StreamingResponse,
exception handlers), and only a wrapper around ``send`` sees those; a dependency runs before
the endpoint and never sees the response. The request body has to be read for the
fingerprint and then handed on untouched, which in ASGI is re-playing ``receive``.
BaseHTTPMiddleware is avoided because it runs the endpoint in another task (context
variables such as the correlation id get lost) and wraps streaming responses awkwardly.
Response chunks are forwarded as they come, so streaming still streams.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog_chassis.db import idempotency_keys_table
from catalog_chassis.errors import PROBLEM_TYPE_BASE, ServiceUnavailable, Unauthorized
from catalog_chassis.problems import problem_response

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
DEFAULT_TTL = timedelta(hours=24)
# A reservation whose request died with its process is taken over after this long.
DEFAULT_IN_FLIGHT_TIMEOUT = timedelta(minutes=5)
REPLAYED_RESPONSE_HEADERS = ("location", "etag", "content-type")

INVALID_KEY_TYPE = PROBLEM_TYPE_BASE + "idempotency-key-invalid"
KEY_REUSED_TYPE = PROBLEM_TYPE_BASE + "idempotency-key-reused"
KEY_IN_USE_TYPE = PROBLEM_TYPE_BASE + "idempotency-key-in-use"
STORE_UNAVAILABLE_TYPE = PROBLEM_TYPE_BASE + "service-unavailable"

_MAX_SCOPE_LENGTH = 600


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    headers: dict[str, str]
    body: bytes


class Outcome(Enum):
    RESERVED = "reserved"  # first request: go ahead, then complete() or release()
    REPLAY = "replay"
    MISMATCH = "mismatch"
    IN_FLIGHT = "in_flight"


@dataclass(frozen=True, slots=True)
class Reservation:
    outcome: Outcome
    response: StoredResponse | None = None


_RESERVE = text(
    """
    INSERT INTO idempotency_keys (key, scope, fingerprint, created_at, expires_at)
    VALUES (:key, :scope, :fingerprint, now(), now() + make_interval(secs => :ttl))
    ON CONFLICT (scope, key) DO UPDATE
    SET fingerprint = EXCLUDED.fingerprint, status_code = NULL, response_headers = NULL,
        response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
    WHERE idempotency_keys.expires_at <= now()
       OR (idempotency_keys.status_code IS NULL
           AND idempotency_keys.created_at < now() - make_interval(secs => :in_flight))
    RETURNING key
    """
)


class IdempotencyStore:
    """The ``idempotency_keys`` table; each call is its own short transaction."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        ttl: timedelta = DEFAULT_TTL,
        in_flight_timeout: timedelta = DEFAULT_IN_FLIGHT_TIMEOUT,
    ) -> None:
        self._engine = engine
        self._ttl = ttl
        self._in_flight_timeout = in_flight_timeout

    async def reserve(self, scope: str, key: str, fingerprint: str) -> Reservation:
        table = idempotency_keys_table
        # A reservation released between our insert and our read: try again.
        for _ in range(3):
            async with self._engine.begin() as connection:
                inserted = await connection.execute(
                    _RESERVE,
                    {
                        "key": key,
                        "scope": scope,
                        "fingerprint": fingerprint,
                        "ttl": self._ttl.total_seconds(),
                        "in_flight": self._in_flight_timeout.total_seconds(),
                    },
                )
                if inserted.first() is not None:
                    return Reservation(Outcome.RESERVED)
                row = (
                    await connection.execute(
                        select(
                            table.c.fingerprint,
                            table.c.status_code,
                            table.c.response_headers,
                            table.c.response_body,
                        ).where(table.c.scope == scope, table.c.key == key)
                    )
                ).first()
            if row is None:
                continue
            if row.fingerprint != fingerprint:
                return Reservation(Outcome.MISMATCH)
            if row.status_code is None:
                return Reservation(Outcome.IN_FLIGHT)
            stored = StoredResponse(row.status_code, dict(row.response_headers), row.response_body)
            return Reservation(Outcome.REPLAY, stored)
        return Reservation(Outcome.IN_FLIGHT)

    async def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        table = idempotency_keys_table
        async with self._engine.begin() as connection:
            await connection.execute(
                update(table)
                .where(table.c.scope == scope, table.c.key == key)
                .values(
                    status_code=response.status_code,
                    response_headers=response.headers,
                    response_body=response.body,
                )
            )

    async def release(self, scope: str, key: str) -> None:
        """Forget an unfinished reservation so the client may retry (after a 5xx)."""
        table = idempotency_keys_table
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(table).where(
                    table.c.scope == scope, table.c.key == key, table.c.status_code.is_(None)
                )
            )


class UnverifiedCaller(Exception):
    """The request carries credentials that do not verify: leave it to authentication."""


# Who is calling, as a stable string, or None for anonymous requests.
CallerResolver = Callable[[Scope], Awaitable[str | None]]


async def token_subject(scope: Scope) -> str | None:
    """The verified ``sub`` of the bearer token, using the app's ``TokenVerifier``.

    Verified, not merely decoded: scoping by an unverified claim would let a forged token
    replay someone else's response. Without a verifier on the app, the token itself
    (hashed) identifies the caller.
    """
    authorization = Headers(scope=scope).get("authorization")
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return "credential:" + _sha256(authorization.encode())
    app = scope.get("app")
    verifier = getattr(getattr(app, "state", None), "token_verifier", None)
    if verifier is None:
        return "token:" + _sha256(token.encode())
    try:
        user = await verifier.verify(token)
    except Unauthorized as exc:
        raise UnverifiedCaller from exc
    return f"sub:{user.id}"


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        store: IdempotencyStore,
        methods: Collection[str] = ("POST",),
        caller: CallerResolver = token_subject,
        never_store: Collection[str] = (),
    ) -> None:
        """``never_store``: paths whose responses must not be kept (e.g. ones that hand out
        credentials); the header is ignored there and every request runs."""
        self.app = app
        self._store = store
        self._methods = frozenset(m.upper() for m in methods)
        self._caller = caller
        self._never_store = frozenset(never_store)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in self._methods
            or scope["path"] in self._never_store
        ):
            await self.app(scope, receive, send)
            return
        key = Headers(scope=scope).get(IDEMPOTENCY_KEY_HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        if not key or len(key) > MAX_KEY_LENGTH:
            await _problem(
                400,
                "Invalid Idempotency-Key",
                f"{IDEMPOTENCY_KEY_HEADER} must be 1 to {MAX_KEY_LENGTH} characters long",
                INVALID_KEY_TYPE,
                scope,
                receive,
                send,
            )
            return
        try:
            caller = await self._caller(scope)
        except UnverifiedCaller:
            await self.app(scope, receive, send)
            return
        except ServiceUnavailable as unavailable:
            # The caller cannot be verified (the keys are out of reach): the same 503 the
            # request gets without the header, never a 500.
            logger.warning("idempotency caller not verifiable: %s", unavailable)
            await _problem(
                503,
                "Service Unavailable",
                str(unavailable) or "The caller cannot be verified right now; retry later",
                STORE_UNAVAILABLE_TYPE,
                scope,
                receive,
                send,
                headers={"Retry-After": "5"},
            )
            return

        body, disconnected = await _read_body(receive)
        if disconnected:
            return
        request_scope = _scope_key(scope, caller)
        fingerprint = _sha256(body)
        try:
            reservation = await self._store.reserve(request_scope, key, fingerprint)
        except (SQLAlchemyError, OSError):
            logger.exception("idempotency store unavailable")
            await _problem(
                503,
                "Service Unavailable",
                "Idempotency keys cannot be checked right now; retry later",
                STORE_UNAVAILABLE_TYPE,
                scope,
                receive,
                send,
            )
            return

        if reservation.outcome is Outcome.MISMATCH:
            await _problem(
                422,
                "Idempotency-Key Reused",
                "This Idempotency-Key was already used with a different request body",
                KEY_REUSED_TYPE,
                scope,
                receive,
                send,
            )
        elif reservation.outcome is Outcome.IN_FLIGHT:
            await _problem(
                409,
                "Request In Progress",
                "A request with this Idempotency-Key is still being processed",
                KEY_IN_USE_TYPE,
                scope,
                receive,
                send,
                headers={"Retry-After": "1"},
            )
        elif reservation.outcome is Outcome.REPLAY:
            assert reservation.response is not None
            await _replay(reservation.response, send)
        else:
            await self._run_first(scope, _replaying(body, receive), send, request_scope, key)

    async def _run_first(
        self, scope: Scope, receive: Receive, send: Send, request_scope: str, key: str
    ) -> None:
        recorder = _ResponseRecorder(send)
        try:
            await self.app(scope, receive, recorder.send)
        except BaseException:
            await self._release(request_scope, key)
            raise
        response = recorder.response()
        if response is None or response.status_code >= 500:
            # Server-side failures are not the answer to the request: let the client retry.
            await self._release(request_scope, key)
            return
        try:
            await self._store.complete(request_scope, key, response)
        except (SQLAlchemyError, OSError):
            logger.exception("could not store the response for Idempotency-Key %r", key)
            await self._release(request_scope, key)

    async def _release(self, request_scope: str, key: str) -> None:
        try:
            await self._store.release(request_scope, key)
        except (SQLAlchemyError, OSError):
            logger.exception("could not release Idempotency-Key %r", key)


class _ResponseRecorder:
    """Forwards the response as it is sent and keeps a copy of it."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._status: int | None = None
        self._headers: dict[str, str] = {}
        self._chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._status = int(message["status"])
            headers = Headers(raw=message.get("headers", []))
            self._headers = {
                name: headers[name] for name in REPLAYED_RESPONSE_HEADERS if name in headers
            }
        elif message["type"] == "http.response.body":
            self._chunks.append(message.get("body", b""))
        await self._send(message)

    def response(self) -> StoredResponse | None:
        if self._status is None:
            return None
        return StoredResponse(self._status, self._headers, b"".join(self._chunks))


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"", True
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the buffered body to the app, then defers to the real one."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _replay(response: StoredResponse, send: Send) -> None:
    headers = [(name.encode(), value.encode()) for name, value in response.headers.items()]
    headers.append((b"content-length", str(len(response.body)).encode()))
    headers.append((REPLAYED_HEADER.lower().encode(), b"true"))
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


async def _problem(
    status: int,
    title: str,
    detail: str,
    type_: str,
    scope: Scope,
    receive: Receive,
    send: Send,
    headers: Mapping[str, str] | None = None,
) -> None:
    response = problem_response(status, title, detail, type=type_, headers=headers)
    await response(scope, receive, send)


def _scope_key(scope: Scope, caller: str | None) -> str:
    parts: list[str] = [scope["method"], scope["path"]]
    if caller:
        parts.append(caller)
    key = " ".join(parts)
    return key if len(key) <= _MAX_SCOPE_LENGTH else "sha256:" + _sha256(key.encode())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
