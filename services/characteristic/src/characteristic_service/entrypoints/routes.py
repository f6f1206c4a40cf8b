"""The characteristics API: CRUD with ETag/If-Match, merge patch, filters and paging."""

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
from characteristic_service.application.ports import CharacteristicQuery, SortField
from characteristic_service.application.use_cases import (
    CharacteristicChanges,
    CharacteristicFields,
    CharacteristicService,
)
from characteristic_service.domain.model import Characteristic
from characteristic_service.domain.units import UnitOfMeasure
from characteristic_service.entrypoints.schemas import (
    CharacteristicMergePatch,
    CharacteristicPublic,
    CharacteristicWrite,
    UnitPublic,
)

PREFIX = "/api/v1/characteristics"
router = APIRouter(prefix=PREFIX, tags=["characteristics"])


async def characteristic_service(request: Request) -> CharacteristicService:
    service: CharacteristicService = request.app.state.container.characteristics
    return service


Characteristics = Annotated[CharacteristicService, Depends(characteristic_service)]


def _public(characteristic: Characteristic) -> CharacteristicPublic:
    return CharacteristicPublic.model_validate(characteristic)


def _versioned(characteristic: Characteristic, response: Response) -> CharacteristicPublic:
    return versioned(response, characteristic.version, _public(characteristic))


def _fields(body: CharacteristicWrite) -> CharacteristicFields:
    return CharacteristicFields(
        name=body.name, value=body.value, unit_of_measure=body.unit_of_measure
    )


@router.get("/units", response_model=list[UnitPublic])
async def list_units(_: CurrentUser) -> list[UnitPublic]:
    """Every unit of measure, for the UI's dropdown."""
    return [
        UnitPublic(value=u.value, label=u.label, category=u.category.value) for u in UnitOfMeasure
    ]


@router.get("", response_model=Page[CharacteristicPublic])
async def list_characteristics(
    _: CurrentUser,
    characteristics: Characteristics,
    paging: PageQuery,
    response: Response,
    name: Annotated[
        str | None, Query(max_length=200, description="Name contains (any case)")
    ] = None,
    unit_of_measure: Annotated[UnitOfMeasure | None, Query(alias="unitOfMeasure")] = None,
    sort: Annotated[str, sort_query(SortField)] = "name",
) -> Page[CharacteristicPublic]:
    field, descending = SortField.parse(sort)
    query = CharacteristicQuery(
        name_contains=name or None,
        unit_of_measure=unit_of_measure,
        sort=field,
        descending=descending,
        limit=paging.limit,
        offset=paging.offset,
    )
    items, total = await characteristics.list(query)
    return page(response, items, total, paging, _public)


@router.post("", response_model=CharacteristicPublic, status_code=status.HTTP_201_CREATED)
async def create_characteristic(
    body: CharacteristicWrite, _: AdminUser, characteristics: Characteristics, response: Response
) -> CharacteristicPublic:
    new = await characteristics.create(_fields(body))
    return created(response, f"{PREFIX}/{new.id}", new.version, _public(new))


@router.get("/{characteristic_id}", response_model=CharacteristicPublic)
async def get_characteristic(
    characteristic_id: uuid.UUID,
    _: CurrentUser,
    characteristics: Characteristics,
    response: Response,
) -> CharacteristicPublic:
    return _versioned(await characteristics.get(characteristic_id), response)


@router.put("/{characteristic_id}", response_model=CharacteristicPublic)
async def replace_characteristic(
    characteristic_id: uuid.UUID,
    body: CharacteristicWrite,
    _: AdminUser,
    characteristics: Characteristics,
    response: Response,
    if_match: IfMatch = None,
) -> CharacteristicPublic:
    updated = await characteristics.replace(
        characteristic_id, _fields(body), expected_version=expected_version(if_match)
    )
    return _versioned(updated, response)


@router.patch("/{characteristic_id}", response_model=CharacteristicPublic)
async def patch_characteristic(
    characteristic_id: uuid.UUID,
    body: Annotated[
        CharacteristicMergePatch,
        Body(media_type="application/merge-patch+json"),
    ],
    _: AdminUser,
    characteristics: Characteristics,
    response: Response,
    if_match: IfMatch = None,
) -> CharacteristicPublic:
    updated = await characteristics.patch(
        characteristic_id,
        merge_patch_changes(body, CharacteristicChanges),
        expected_version=expected_version(if_match),
    )
    return _versioned(updated, response)


@router.delete("/{characteristic_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_characteristic(
    characteristic_id: uuid.UUID,
    _: AdminUser,
    characteristics: Characteristics,
    if_match: IfMatch = None,
) -> Response:
    await characteristics.delete(characteristic_id, expected_version=expected_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
