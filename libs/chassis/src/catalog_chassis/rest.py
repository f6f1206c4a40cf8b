"""Route-level plumbing every resource API shares: If-Match in, ETag and Location out, the
``sort`` parameter, the list envelope and merge-patch bodies.

Each service's router keeps its own routes (their paths, bodies and documentation are its
contract); these helpers make each route a few lines that read the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Header, Query
from pydantic import BaseModel
from starlette.responses import Response

from catalog_chassis.concurrency import parse_if_match, set_etag
from catalog_chassis.pagination import Page, PageParams, set_total_count
from catalog_chassis.resources import KEEP, Ordering, Unchanged

IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description='The ETag you last read, e.g. "3"; 412 if stale'),
]

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def expected_version(if_match: str | None) -> int | None:
    """The version an If-Match header demands (None: any); 412 for a malformed tag."""
    return parse_if_match(if_match)


def sort_query(ordering: type[Ordering]) -> Any:
    """A ``sort`` Query parameter accepting the ordering's fields, each optionally '-'."""
    pattern = "^-?(" + "|".join(member.value for member in ordering) + ")$"
    listed = ", ".join(member.value for member in ordering)
    return Query(pattern=pattern, description=f"{listed}; a leading '-' sorts descending")


def versioned(response: Response, version: int, body: M) -> M:
    """``body`` with ``ETag: "<version>"`` set on the response."""
    set_etag(response, version)
    return body


def created(response: Response, location: str, version: int, body: M) -> M:
    """``body`` of a 201 with its ``Location`` and ``ETag``."""
    response.headers["Location"] = location
    return versioned(response, version, body)


def page(
    response: Response,
    items: Sequence[T],
    total: int,
    params: PageParams,
    public: Callable[[T], M],
) -> Page[M]:
    """The ``{items,total,limit,offset}`` envelope with ``X-Total-Count`` set."""
    set_total_count(response, total)
    return Page.of([public(item) for item in items], total, params)


def patched(body: BaseModel, field: str) -> Any:
    """A merge-patch field's new value, or ``KEEP`` when the client left it out (an
    explicit ``null`` is kept as ``None``; bodies refuse null for required fields)."""
    return getattr(body, field) if field in body.model_fields_set else KEEP


def merge_patch_changes(body: BaseModel, changes: Callable[..., T]) -> T:
    """``changes(**fields)`` with every field of the merge-patch ``body``: ``KEEP`` for the
    ones the client left out."""
    return changes(**{name: patched(body, name) for name in type(body).model_fields})


__all__ = [
    "KEEP",
    "IfMatch",
    "Unchanged",
    "created",
    "expected_version",
    "merge_patch_changes",
    "page",
    "patched",
    "sort_query",
    "versioned",
]
