"""The exceptions every layer raises to signal an outcome the HTTP API reports as a problem.

Pure Python on purpose: domain and application code may raise these without depending on
any web framework. `catalog_chassis.problems` turns them into RFC 9457 responses, using the
class attributes `status`, `title` and `type`.
"""

from __future__ import annotations

from dataclasses import dataclass

PROBLEM_TYPE_BASE = "https://catalog.example/problems/"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid input: `field` is the camelCase dotted path as the client sent it."""

    field: str
    message: str


class ProblemError(Exception):
    """Base of every error that maps onto an HTTP problem response."""

    status: int = 500
    title: str = "Internal Server Error"
    type: str = PROBLEM_TYPE_BASE + "internal-error"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        # Extra response headers, e.g. Retry-After on 429 and 503.
        self.headers: dict[str, str] = dict(headers or {})


class ValidationFailed(ProblemError):
    status = 400
    title = "Validation Failed"
    type = PROBLEM_TYPE_BASE + "validation-failed"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.errors: list[FieldError] = list(errors or [])


class Unauthorized(ProblemError):
    status = 401
    title = "Unauthorized"
    type = PROBLEM_TYPE_BASE + "unauthorized"


class Forbidden(ProblemError):
    status = 403
    title = "Forbidden"
    type = PROBLEM_TYPE_BASE + "forbidden"


class NotFound(ProblemError):
    status = 404
    title = "Not Found"
    type = PROBLEM_TYPE_BASE + "not-found"


class Conflict(ProblemError):
    status = 409
    title = "Conflict"
    type = PROBLEM_TYPE_BASE + "conflict"


class PreconditionFailed(ProblemError):
    status = 412
    title = "Precondition Failed"
    type = PROBLEM_TYPE_BASE + "precondition-failed"


class Locked(ProblemError):
    status = 423
    title = "Locked"
    type = PROBLEM_TYPE_BASE + "locked"


class TooManyRequests(ProblemError):
    status = 429
    title = "Too Many Requests"
    type = PROBLEM_TYPE_BASE + "too-many-requests"


class ServiceUnavailable(ProblemError):
    status = 503
    title = "Service Unavailable"
    type = PROBLEM_TYPE_BASE + "service-unavailable"
