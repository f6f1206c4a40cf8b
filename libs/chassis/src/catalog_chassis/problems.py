"""RFC 9457 problem responses for every error a service can produce.

`install_problem_handlers` makes the API speak one error dialect: the chassis exceptions
(`catalog_chassis.errors`), request validation (400, not FastAPI's 422), routing errors
(404/405) and anything unexpected (500 without internals; the stack trace goes to the log).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry import trace
from sqlalchemy import exc as sqlalchemy_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalog_chassis.context import CORRELATION_HEADER, get_correlation_id
from catalog_chassis.errors import (
    PROBLEM_TYPE_BASE,
    FieldError,
    ProblemError,
    ServiceUnavailable,
    Unauthorized,
    ValidationFailed,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
ABOUT_BLANK = "about:blank"
INTERNAL_ERROR_DETAIL = "An unexpected error occurred. Quote the correlation id when reporting it."
MALFORMED_JSON_DETAIL = "Malformed JSON body"

# Where FastAPI says a request value came from; clients know the field by name alone.
_REQUEST_PARTS = frozenset({"body", "query", "path", "header", "cookie"})

logger = logging.getLogger(__name__)


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem_response(
    status: int,
    title: str,
    detail: str,
    type: str = ABOUT_BLANK,
    errors: Sequence[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response; it always echoes the correlation id of the request."""
    correlation_id = get_correlation_id()
    body: dict[str, Any] = {
        "type": type,
        "title": title,
        "status": status,
        "detail": detail,
        "correlationId": correlation_id,
    }
    if errors is not None:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    response_headers = dict(headers or {})
    if correlation_id:
        response_headers.setdefault(CORRELATION_HEADER, correlation_id)
    return ProblemResponse(body, status_code=status, headers=response_headers)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _handle_problem_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _handle_request_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _handle_http_exception)  # type: ignore[arg-type]
    for unavailable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable, _handle_database_unavailable)
    app.add_exception_handler(Exception, _handle_unexpected)


def response_for(error: ProblemError) -> JSONResponse:
    headers = dict(error.headers)
    if isinstance(error, Unauthorized):
        headers.setdefault("WWW-Authenticate", "Bearer")
    errors = error.errors if isinstance(error, ValidationFailed) else None
    return problem_response(
        error.status, error.title, error.detail, type=error.type, errors=errors, headers=headers
    )


def field_errors(validation_errors: Sequence[Any]) -> list[FieldError]:
    """FastAPI's error list as `{field, message}` with the client's (camelCase) names."""
    return [
        FieldError(field=_field_path(error.get("loc", ())), message=str(error.get("msg", "")))
        for error in validation_errors
    ]


async def _handle_problem_error(_: Request, error: ProblemError) -> JSONResponse:
    return response_for(error)


async def _handle_request_validation(_: Request, error: RequestValidationError) -> JSONResponse:
    validation_errors = error.errors()
    if any(e.get("type") == "json_invalid" for e in validation_errors):
        reason = next(
            (e.get("ctx", {}).get("error") for e in validation_errors if e.get("ctx")), None
        )
        detail = f"{MALFORMED_JSON_DETAIL}: {reason}" if reason else MALFORMED_JSON_DETAIL
        return response_for(ValidationFailed(detail, [FieldError("body", detail)]))
    return response_for(
        ValidationFailed("The request is not valid", field_errors(validation_errors))
    )


async def _handle_http_exception(request: Request, error: StarletteHTTPException) -> JSONResponse:
    phrase = _reason_phrase(error.status_code)
    detail = error.detail if error.detail and error.detail != phrase else None
    if detail is None:
        if error.status_code == HTTPStatus.NOT_FOUND:
            detail = f"No resource at {request.url.path}"
        elif error.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
            detail = f"{request.method} is not allowed on {request.url.path}"
        else:
            detail = phrase
    return problem_response(
        error.status_code,
        phrase,
        str(detail),
        type=PROBLEM_TYPE_BASE + _slug(phrase),
        headers=error.headers,
    )


# The database cannot be reached or dropped the connection (a restart, a failover, the pool
# exhausted): the request may be retried, so a 503 with Retry-After, not a 500.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    sqlalchemy_exc.OperationalError,
    sqlalchemy_exc.InterfaceError,
    sqlalchemy_exc.TimeoutError,
    ConnectionError,
)
DATABASE_UNAVAILABLE_DETAIL = "The service's database is unavailable right now; retry later."


async def _handle_database_unavailable(request: Request, error: Exception) -> JSONResponse:
    logger.warning("database unavailable on %s %s: %r", request.method, request.url.path, error)
    trace.get_current_span().record_exception(error)
    return response_for(
        ServiceUnavailable(DATABASE_UNAVAILABLE_DETAIL, headers={"Retry-After": "5"})
    )


async def _handle_unexpected(request: Request, error: Exception) -> JSONResponse:
    # The client learns only that something failed; the log and the trace get the details.
    logger.error(
        "Unhandled error on %s %s",
        request.method,
        request.url.path,
        exc_info=(type(error), error, error.__traceback__),
    )
    trace.get_current_span().record_exception(error)
    return problem_response(
        int(HTTPStatus.INTERNAL_SERVER_ERROR),
        ProblemError.title,
        INTERNAL_ERROR_DETAIL,
        type=ProblemError.type,
    )


def _field_path(location: Sequence[Any]) -> str:
    parts = list(location)
    if parts and parts[0] in _REQUEST_PARTS:
        parts = parts[1:]
    return ".".join(str(part) for part in parts) or "body"


def _reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _slug(phrase: str) -> str:
    return phrase.lower().replace(" ", "-").replace("'", "")
