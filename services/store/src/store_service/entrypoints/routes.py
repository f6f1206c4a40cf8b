"""The public store API: published offerings, searched with facets. No token needed."""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import asdict
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from catalog_chassis.errors import FieldError, ValidationFailed
from catalog_chassis.pagination import MAX_OFFSET, set_total_count
from store_service.application.queries import StoreQueries
from store_service.application.search import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_WINDOW,
    SearchQuery,
    Sort,
    SortField,
    UnitRange,
)
from store_service.entrypoints.schemas import SearchPage, StoreOfferingPublic

PREFIX = "/api/v1/store"
router = APIRouter(prefix=PREFIX, tags=["store"])

SALES_CHANNELS = ("ONLINE", "MOBILE_APP", "RETAIL_STORE", "CALL_CENTER", "PARTNER")
CURRENCY = re.compile(r"^[A-Z]{3}$")
# unit.<unitOfMeasure>.min / .max: the unit is what characteristics carry ("Mbps", "GB").
UNIT_PARAMETER = re.compile(r"^unit\.(?P<unit>[^.\s]{1,16})\.(?P<bound>min|max)$")
SORT_VALUES = [f"{prefix}{field.value}" for field in SortField for prefix in ("", "-")]
MAX_TEXT = 200
MAX_REPEATS = 20


async def store_queries(request: Request) -> StoreQueries:
    queries: StoreQueries = request.app.state.container.queries
    return queries


Queries = Annotated[StoreQueries, Depends(store_queries)]


def _decimal(name: str, raw: str | None, errors: list[FieldError]) -> Decimal | None:
    if raw is None:
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        errors.append(FieldError(name, f"'{raw}' is not a number"))
        return None
    if not value.is_finite() or value < 0:
        errors.append(FieldError(name, "must be a number of at least 0"))
        return None
    return value


def _number(name: str, raw: str, errors: list[FieldError]) -> float | None:
    try:
        value = float(raw.strip())
    except ValueError:
        errors.append(FieldError(name, f"'{raw}' is not a number"))
        return None
    if not math.isfinite(value):
        errors.append(FieldError(name, "must be a finite number"))
        return None
    return value


async def search_query(
    request: Request,
    q: Annotated[
        str | None, Query(max_length=MAX_TEXT, description="Full text, typo-tolerant")
    ] = None,
    min_price: Annotated[str | None, Query(alias="minPrice", description="Lowest price")] = None,
    max_price: Annotated[str | None, Query(alias="maxPrice", description="Highest price")] = None,
    currency: Annotated[str | None, Query(description="ISO 4217 code, e.g. EUR")] = None,
    channel: Annotated[
        list[str] | None, Query(description=f"Sales channel, repeatable (any): {SALES_CHANNELS}")
    ] = None,
    characteristic: Annotated[
        list[str] | None, Query(description="Characteristic name, repeatable (all)")
    ] = None,
    sort: Annotated[
        str | None,
        Query(description=f"One of {', '.join(SORT_VALUES)}; relevance when q is given"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> SearchQuery:
    """The search parameters, every mistake reported at once (400 naming each parameter).
    ``unit.<unitOfMeasure>.min``/``.max`` are read from the query string directly: their
    names carry the unit."""
    errors: list[FieldError] = []
    minimum = _decimal("minPrice", min_price, errors)
    maximum = _decimal("maxPrice", max_price, errors)
    if minimum is not None and maximum is not None and minimum > maximum:
        errors.append(FieldError("minPrice", "must not be above maxPrice"))
    if currency is not None and not CURRENCY.match(currency):
        errors.append(FieldError("currency", "must be a three-letter ISO 4217 code such as EUR"))
    channels = tuple(dict.fromkeys(channel or []))
    for unknown in (c for c in channels if c not in SALES_CHANNELS):
        errors.append(
            FieldError("channel", f"'{unknown}' is not one of {', '.join(SALES_CHANNELS)}")
        )
    names = tuple(dict.fromkeys(n.strip() for n in characteristic or [] if n.strip()))
    for field, values in (("channel", channels), ("characteristic", names)):
        if len(values) > MAX_REPEATS:
            errors.append(FieldError(field, f"may be given at most {MAX_REPEATS} times"))
    if any(len(n) > MAX_TEXT for n in names):
        errors.append(FieldError("characteristic", f"must be at most {MAX_TEXT} characters"))
    if offset + limit > MAX_WINDOW:
        errors.append(
            FieldError("offset", f"offset + limit must be at most {MAX_WINDOW}: narrow the search")
        )
    ranges = _unit_ranges(request, errors)
    parsed_sort = None
    if sort is not None:
        try:
            parsed_sort = Sort.parse(sort)
        except ValueError:
            errors.append(FieldError("sort", f"must be one of {', '.join(SORT_VALUES)}"))
    if errors:
        raise ValidationFailed("The search parameters are not valid.", errors)
    return SearchQuery(
        text=(q or "").strip() or None,
        min_price=minimum,
        max_price=maximum,
        currency=currency,
        channels=channels,
        characteristics=names,
        unit_ranges=ranges,
        sort=parsed_sort,
        limit=limit,
        offset=offset,
    )


def _unit_ranges(request: Request, errors: list[FieldError]) -> tuple[UnitRange, ...]:
    bounds: dict[str, dict[str, float]] = {}
    for name, raw in request.query_params.multi_items():
        if not name.startswith("unit."):
            continue
        match = UNIT_PARAMETER.match(name)
        if match is None:
            errors.append(
                FieldError(name, "use unit.<unitOfMeasure>.min or unit.<unitOfMeasure>.max")
            )
            continue
        value = _number(name, raw, errors)
        if value is not None:
            bounds.setdefault(match["unit"], {})[match["bound"]] = value
    ranges = []
    for unit, bound in bounds.items():
        low, high = bound.get("min"), bound.get("max")
        if low is not None and high is not None and low > high:
            errors.append(FieldError(f"unit.{unit}.min", f"must not be above unit.{unit}.max"))
        ranges.append(UnitRange(unit=unit, minimum=low, maximum=high))
    if len(ranges) > MAX_REPEATS:
        errors.append(FieldError("unit", f"at most {MAX_REPEATS} units may be filtered on"))
    return tuple(ranges)


Search = Annotated[SearchQuery, Depends(search_query)]


async def _search(queries: StoreQueries, query: SearchQuery, response: Response) -> SearchPage:
    result = await queries.search(query)
    set_total_count(response, result.total)
    facets = result.facets
    return SearchPage.model_validate(
        {
            "items": result.items,
            "total": result.total,
            "limit": query.limit,
            "offset": query.offset,
            "facets": {
                "characteristics": [asdict(f) for f in facets.characteristics],
                "units": [asdict(f) for f in facets.units],
                "salesChannels": [asdict(f) for f in facets.sales_channels],
                "price": asdict(facets.price),
            },
        }
    )


@router.get("/offerings", response_model=SearchPage)
async def list_offerings(queries: Queries, query: Search, response: Response) -> SearchPage:
    """The published offerings, filtered, sorted and paged, with facet counts."""
    return await _search(queries, query, response)


@router.get("/search", response_model=SearchPage)
async def search_offerings(queries: Queries, query: Search, response: Response) -> SearchPage:
    """The same as the list: full text in ``q``, the same filters, facets and paging."""
    return await _search(queries, query, response)


@router.get("/offerings/{offering_id}", response_model=StoreOfferingPublic)
async def get_offering(offering_id: uuid.UUID, queries: Queries) -> StoreOfferingPublic:
    """One published offering with its specifications, characteristics and prices; 404
    unless it is published."""
    return StoreOfferingPublic.model_validate(await queries.offering(offering_id))
