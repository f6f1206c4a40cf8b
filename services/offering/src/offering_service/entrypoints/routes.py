"""The offerings API: CRUD of drafts with ETag/If-Match and merge patch, filters and paging;
publish (202, the saga takes over) and retire."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status

from catalog_chassis.auth import AdminUser, CurrentUser, oauth2_scheme
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
from offering_service.application.ports import OfferingQuery, SortField
from offering_service.application.use_cases import (
    OfferingChanges,
    OfferingFields,
    OfferingService,
)
from offering_service.domain.model import LifecycleStatus, Offering
from offering_service.entrypoints.schemas import (
    OfferingMergePatch,
    OfferingPublic,
    OfferingWrite,
    SalesChannelPublic,
)

PREFIX = "/api/v1/offerings"
router = APIRouter(prefix=PREFIX, tags=["offerings"])


async def offering_service(request: Request) -> OfferingService:
    service: OfferingService = request.app.state.container.offerings
    return service


Offerings = Annotated[OfferingService, Depends(offering_service)]
# The caller's token (already verified by AdminUser), forwarded on reference lookups.
BearerToken = Annotated[str | None, Depends(oauth2_scheme)]
NOT_DRAFT: dict[int | str, dict[str, Any]] = {409: {"description": "The offering is not a DRAFT"}}


def _public(offering: Offering) -> OfferingPublic:
    return OfferingPublic.model_validate(offering.snapshot())


def _versioned(offering: Offering, response: Response) -> OfferingPublic:
    return versioned(response, offering.version, _public(offering))


def _fields(body: OfferingWrite) -> OfferingFields:
    return OfferingFields(
        name=body.name,
        description=body.description,
        specification_ids=body.specification_ids,
        price_ids=body.price_ids,
        sales_channels=body.sales_channels,
    )


@router.get("/sales-channels", response_model=list[SalesChannelPublic])
async def list_sales_channels(_: CurrentUser) -> list[SalesChannelPublic]:
    """Every sales channel an offering may be sold through, for the UI's choices."""
    return [
        SalesChannelPublic(value=channel.value, label=channel.value.replace("_", " ").title())
        for channel in OfferingService.sales_channels()
    ]


@router.get("", response_model=Page[OfferingPublic])
async def list_offerings(
    _: CurrentUser,
    offerings: Offerings,
    paging: PageQuery,
    response: Response,
    name: Annotated[
        str | None, Query(max_length=200, description="Name contains (any case)")
    ] = None,
    lifecycle_status: Annotated[
        LifecycleStatus | None, Query(alias="lifecycleStatus", description="Only this status")
    ] = None,
    sort: Annotated[str, sort_query(SortField)] = "name",
) -> Page[OfferingPublic]:
    field, descending = SortField.parse(sort)
    query = OfferingQuery(
        name_contains=name or None,
        lifecycle_status=lifecycle_status,
        sort=field,
        descending=descending,
        limit=paging.limit,
        offset=paging.offset,
    )
    items, total = await offerings.list(query)
    return page(response, items, total, paging, _public)


@router.post("", response_model=OfferingPublic, status_code=status.HTTP_201_CREATED)
async def create_offering(
    body: OfferingWrite,
    _: AdminUser,
    token: BearerToken,
    offerings: Offerings,
    response: Response,
) -> OfferingPublic:
    """Create a DRAFT; its lists may be empty until it is published."""
    new = await offerings.create(_fields(body), credentials=token)
    return created(response, f"{PREFIX}/{new.id}", new.version, _public(new))


@router.get("/{offering_id}", response_model=OfferingPublic)
async def get_offering(
    offering_id: uuid.UUID, _: CurrentUser, offerings: Offerings, response: Response
) -> OfferingPublic:
    return _versioned(await offerings.get(offering_id), response)


@router.put("/{offering_id}", response_model=OfferingPublic, responses=NOT_DRAFT)
async def replace_offering(
    offering_id: uuid.UUID,
    body: OfferingWrite,
    _: AdminUser,
    token: BearerToken,
    offerings: Offerings,
    response: Response,
    if_match: IfMatch = None,
) -> OfferingPublic:
    updated = await offerings.replace(
        offering_id, _fields(body), expected_version=expected_version(if_match), credentials=token
    )
    return _versioned(updated, response)


@router.patch("/{offering_id}", response_model=OfferingPublic, responses=NOT_DRAFT)
async def patch_offering(
    offering_id: uuid.UUID,
    body: Annotated[OfferingMergePatch, Body(media_type="application/merge-patch+json")],
    _: AdminUser,
    token: BearerToken,
    offerings: Offerings,
    response: Response,
    if_match: IfMatch = None,
) -> OfferingPublic:
    updated = await offerings.patch(
        offering_id,
        merge_patch_changes(body, OfferingChanges),
        expected_version=expected_version(if_match),
        credentials=token,
    )
    return _versioned(updated, response)


@router.delete("/{offering_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_DRAFT)
async def delete_offering(
    offering_id: uuid.UUID, _: AdminUser, offerings: Offerings, if_match: IfMatch = None
) -> Response:
    await offerings.delete(offering_id, expected_version=expected_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{offering_id}/publish",
    response_model=OfferingPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        400: {"description": "Not ready: names each missing specification, price or channel"},
        **NOT_DRAFT,
    },
)
async def publish_offering(
    offering_id: uuid.UUID,
    _: AdminUser,
    offerings: Offerings,
    response: Response,
    if_match: IfMatch = None,
) -> OfferingPublic:
    """Start publishing a DRAFT: 202 with the offering in PUBLISHING and its ``sagaId``. The
    publication saga locks its prices, checks its specifications and enters it in the store;
    poll the offering until it is PUBLISHED, or a DRAFT again with a
    ``publicationFailureReason`` saying what to change."""
    publishing = await offerings.publish(offering_id, expected_version=expected_version(if_match))
    return _versioned(publishing, response)


@router.post(
    "/{offering_id}/retire",
    response_model=OfferingPublic,
    responses={409: {"description": "The offering is not PUBLISHED"}},
)
async def retire_offering(
    offering_id: uuid.UUID,
    _: AdminUser,
    offerings: Offerings,
    response: Response,
    if_match: IfMatch = None,
) -> OfferingPublic:
    """Withdraw a PUBLISHED offering from sale: 200 with it RETIRED."""
    retired = await offerings.retire(offering_id, expected_version=expected_version(if_match))
    return _versioned(retired, response)
