"""The specifications API: CRUD with ETag/If-Match, merge patch, filters and paging."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response, status

from catalog_chassis.auth import AdminUser, CurrentUser, oauth2_scheme
from catalog_chassis.concurrency import parse_if_match, set_etag
from catalog_chassis.pagination import Page, PageQuery, set_total_count
from specification_service.application.ports import SortField, SpecificationQuery
from specification_service.application.use_cases import (
    KEEP,
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


def specification_service(request: Request) -> SpecificationService:
    service: SpecificationService = request.app.state.container.specifications
    return service


Specifications = Annotated[SpecificationService, Depends(specification_service)]
# The caller's token (already verified by AdminUser), forwarded on characteristic lookups.
BearerToken = Annotated[str | None, Depends(oauth2_scheme)]
IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description='The ETag you last read, e.g. "3"; 412 if stale'),
]
SORT_PATTERN = "^-?(" + "|".join(field.value for field in SortField) + ")$"


def _public(specification: Specification, response: Response) -> SpecificationPublic:
    set_etag(response, specification.version)
    return SpecificationPublic.model_validate(specification)


def _fields(body: SpecificationWrite) -> SpecificationFields:
    return SpecificationFields(
        name=body.name, description=body.description, characteristic_ids=body.characteristic_ids
    )


@router.get("", response_model=Page[SpecificationPublic])
async def list_specifications(
    _: CurrentUser,
    specifications: Specifications,
    page: PageQuery,
    response: Response,
    name: Annotated[
        str | None, Query(max_length=200, description="Name contains (any case)")
    ] = None,
    characteristic_id: Annotated[
        uuid.UUID | None,
        Query(alias="characteristicId", description="Only those using this characteristic"),
    ] = None,
    sort: Annotated[
        str, Query(pattern=SORT_PATTERN, description="Field; '-' for descending")
    ] = "name",
) -> Page[SpecificationPublic]:
    query = SpecificationQuery(
        name_contains=name or None,
        characteristic_id=characteristic_id,
        sort=SortField(sort.lstrip("-")),
        descending=sort.startswith("-"),
        limit=page.limit,
        offset=page.offset,
    )
    items, total = await specifications.list(query)
    set_total_count(response, total)
    return Page.of([SpecificationPublic.model_validate(s) for s in items], total, page)


@router.post("", response_model=SpecificationPublic, status_code=status.HTTP_201_CREATED)
async def create_specification(
    body: SpecificationWrite,
    _: AdminUser,
    token: BearerToken,
    specifications: Specifications,
    response: Response,
) -> SpecificationPublic:
    created = await specifications.create(_fields(body), credentials=token)
    response.headers["Location"] = f"{PREFIX}/{created.id}"
    return _public(created, response)


@router.get("/{specification_id}", response_model=SpecificationPublic)
async def get_specification(
    specification_id: uuid.UUID, _: CurrentUser, specifications: Specifications, response: Response
) -> SpecificationPublic:
    return _public(await specifications.get(specification_id), response)


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
        expected_version=parse_if_match(if_match),
        credentials=token,
    )
    return _public(updated, response)


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
    given = body.model_fields_set
    changes = SpecificationChanges(
        name=body.name if "name" in given and body.name is not None else KEEP,
        description=body.description if "description" in given else KEEP,
        characteristic_ids=(
            body.characteristic_ids
            if "characteristic_ids" in given and body.characteristic_ids is not None
            else KEEP
        ),
    )
    updated = await specifications.patch(
        specification_id, changes, expected_version=parse_if_match(if_match), credentials=token
    )
    return _public(updated, response)


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
    await specifications.delete(specification_id, expected_version=parse_if_match(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
