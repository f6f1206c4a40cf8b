"""The specifications API: CRUD with ETag/If-Match, merge patch, filters and paging."""

from __future__ import annotations

import uuid
from typing import Annotated

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
from specification_service.application.ports import SortField, SpecificationQuery
from specification_service.application.use_cases import (
    SpecificationChanges,
    SpecificationFields,
    SpecificationService,
)
from specification_service.domain.model import Specification
from specification_service.entrypoints.schemas import (
    SpecificationMergePatch,
    SpecificationPublic,
    SpecificationWrite,
)

PREFIX = "/api/v1/specifications"
router = APIRouter(prefix=PREFIX, tags=["specifications"])


async def specification_service(request: Request) -> SpecificationService:
    service: SpecificationService = request.app.state.container.specifications
    return service


Specifications = Annotated[SpecificationService, Depends(specification_service)]
# The caller's token (already verified by AdminUser), forwarded on characteristic lookups.
BearerToken = Annotated[str | None, Depends(oauth2_scheme)]


def _public(specification: Specification) -> SpecificationPublic:
    return SpecificationPublic.model_validate(specification)


def _versioned(specification: Specification, response: Response) -> SpecificationPublic:
    return versioned(response, specification.version, _public(specification))


def _fields(body: SpecificationWrite) -> SpecificationFields:
    return SpecificationFields(
        name=body.name, description=body.description, characteristic_ids=body.characteristic_ids
    )


@router.get("", response_model=Page[SpecificationPublic])
async def list_specifications(
    _: CurrentUser,
    specifications: Specifications,
    paging: PageQuery,
    response: Response,
    name: Annotated[
        str | None, Query(max_length=200, description="Name contains (any case)")
    ] = None,
    characteristic_id: Annotated[
        uuid.UUID | None,
        Query(alias="characteristicId", description="Only those using this characteristic"),
    ] = None,
    sort: Annotated[str, sort_query(SortField)] = "name",
) -> Page[SpecificationPublic]:
    field, descending = SortField.parse(sort)
    query = SpecificationQuery(
        name_contains=name or None,
        characteristic_id=characteristic_id,
        sort=field,
        descending=descending,
        limit=paging.limit,
        offset=paging.offset,
    )
    items, total = await specifications.list(query)
    return page(response, items, total, paging, _public)


@router.post("", response_model=SpecificationPublic, status_code=status.HTTP_201_CREATED)
async def create_specification(
    body: SpecificationWrite,
    _: AdminUser,
    token: BearerToken,
    specifications: Specifications,
    response: Response,
) -> SpecificationPublic:
    new = await specifications.create(_fields(body), credentials=token)
    return created(response, f"{PREFIX}/{new.id}", new.version, _public(new))


@router.get("/{specification_id}", response_model=SpecificationPublic)
async def get_specification(
    specification_id: uuid.UUID, _: CurrentUser, specifications: Specifications, response: Response
) -> SpecificationPublic:
    return _versioned(await specifications.get(specification_id), response)


@router.put("/{specification_id}", response_model=SpecificationPublic)
async def replace_specification(
    specification_id: uuid.UUID,
    body: SpecificationWrite,
    _: AdminUser,
    token: BearerToken,
    specifications: Specifications,
    response: Response,
    if_match: IfMatch = None,
) -> SpecificationPublic:
    updated = await specifications.replace(
        specification_id,
        _fields(body),
        expected_version=expected_version(if_match),
        credentials=token,
    )
    return _versioned(updated, response)


@router.patch("/{specification_id}", response_model=SpecificationPublic)
async def patch_specification(
    specification_id: uuid.UUID,
    body: Annotated[
        SpecificationMergePatch,
        Body(media_type="application/merge-patch+json"),
    ],
    _: AdminUser,
    token: BearerToken,
    specifications: Specifications,
    response: Response,
    if_match: IfMatch = None,
) -> SpecificationPublic:
    changes = merge_patch_changes(body, SpecificationChanges)
    updated = await specifications.patch(
        specification_id, changes, expected_version=expected_version(if_match), credentials=token
    )
    return _versioned(updated, response)


@router.delete(
    "/{specification_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={409: {"description": "Still used by offerings"}},
)
async def delete_specification(
    specification_id: uuid.UUID,
    _: AdminUser,
    specifications: Specifications,
    if_match: IfMatch = None,
) -> Response:
    await specifications.delete(specification_id, expected_version=expected_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
