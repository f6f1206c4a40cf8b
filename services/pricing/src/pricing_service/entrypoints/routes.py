"""The prices API: CRUD with ETag/If-Match, merge patch, filters, paging and saga locks."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status

from catalog_chassis.auth import AdminUser, CurrentUser
from catalog_chassis.pagination import Page, PageQuery
from catalog_chassis.rest import (
    IfMatch,
    created,
    expected_version,
    merge_patch_changes,
    page,
    sort_query,
    versioned,
)
from pricing_service.application.ports import PriceQuery, SortField
from pricing_service.application.use_cases import PriceChanges, PriceFields, PriceService
from pricing_service.domain.model import Price
from pricing_service.domain.money import Currency
from pricing_service.entrypoints.exact_json import ExactNumberRoute
from pricing_service.entrypoints.schemas import (
    PriceMergePatch,
    PricePublic,
    PriceWrite,
    SagaLock,
)

PREFIX = "/api/v1/prices"
router = APIRouter(prefix=PREFIX, tags=["prices"], route_class=ExactNumberRoute)


async def price_service(request: Request) -> PriceService:
    service: PriceService = request.app.state.container.prices
    return service


Prices = Annotated[PriceService, Depends(price_service)]
NAME_FILTER = "Name contains (any case)"
LOCKED_FILTER = "Only locked (true) or only unlocked (false) prices"


def _public(price: Price) -> PricePublic:
    return PricePublic.model_validate(price.snapshot())


def _versioned(price: Price, response: Response) -> PricePublic:
    return versioned(response, price.version, _public(price))


def _fields(body: PriceWrite) -> PriceFields:
    return PriceFields(name=body.name, value=body.value, unit=body.unit, currency=body.currency)


@router.get("", response_model=Page[PricePublic])
async def list_prices(
    _: CurrentUser,
    prices: Prices,
    paging: PageQuery,
    response: Response,
    name: Annotated[str | None, Query(max_length=200, description=NAME_FILTER)] = None,
    currency: Currency | None = None,
    locked: Annotated[bool | None, Query(description=LOCKED_FILTER)] = None,
    sort: Annotated[str, sort_query(SortField)] = "name",
) -> Page[PricePublic]:
    field, descending = SortField.parse(sort)
    query = PriceQuery(
        name_contains=name or None,
        currency=currency,
        locked=locked,
        sort=field,
        descending=descending,
        limit=paging.limit,
        offset=paging.offset,
    )
    items, total = await prices.list(query)
    return page(response, items, total, paging, _public)


@router.post("", response_model=PricePublic, status_code=status.HTTP_201_CREATED)
async def create_price(
    body: PriceWrite, _: AdminUser, prices: Prices, response: Response
) -> PricePublic:
    new = await prices.create(_fields(body))
    return created(response, f"{PREFIX}/{new.id}", new.version, _public(new))


@router.get("/{price_id}", response_model=PricePublic)
async def get_price(
    price_id: uuid.UUID, _: CurrentUser, prices: Prices, response: Response
) -> PricePublic:
    return _versioned(await prices.get(price_id), response)


@router.put("/{price_id}", response_model=PricePublic)
async def replace_price(
    price_id: uuid.UUID,
    body: PriceWrite,
    _: AdminUser,
    prices: Prices,
    response: Response,
    if_match: IfMatch = None,
) -> PricePublic:
    updated = await prices.replace(
        price_id, _fields(body), expected_version=expected_version(if_match)
    )
    return _versioned(updated, response)


@router.patch("/{price_id}", response_model=PricePublic)
async def patch_price(
    price_id: uuid.UUID,
    body: Annotated[PriceMergePatch, Body(media_type="application/merge-patch+json")],
    _: AdminUser,
    prices: Prices,
    response: Response,
    if_match: IfMatch = None,
) -> PricePublic:
    changes = merge_patch_changes(body, PriceChanges)
    updated = await prices.patch(price_id, changes, expected_version=expected_version(if_match))
    return _versioned(updated, response)


@router.delete("/{price_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_price(
    price_id: uuid.UUID, _: AdminUser, prices: Prices, if_match: IfMatch = None
) -> Response:
    await prices.delete(price_id, expected_version=expected_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{price_id}/lock", response_model=PricePublic)
async def lock_price(
    price_id: uuid.UUID, body: SagaLock, _: AdminUser, prices: Prices, response: Response
) -> PricePublic:
    """Lock the price for a publication saga: 200 again for the same saga, 409 for another."""
    return _versioned(await prices.lock(price_id, body.saga_id), response)


@router.post("/{price_id}/unlock", response_model=PricePublic)
async def unlock_price(
    price_id: uuid.UUID, body: SagaLock, _: AdminUser, prices: Prices, response: Response
) -> PricePublic:
    """Release the saga's lock: 200 (also when not locked at all), 409 for another saga."""
    return _versioned(await prices.unlock(price_id, body.saga_id), response)
