"""Route plumbing: If-Match, ETag, Location, sort, the list envelope and merge patches,
through a real FastAPI app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Body, FastAPI, Response

from catalog_chassis.pagination import Page, PageQuery
from catalog_chassis.problems import install_problem_handlers
from catalog_chassis.resources import KEEP, Ordering, Unchanged
from catalog_chassis.rest import (
    IfMatch,
    created,
    expected_version,
    merge_patch_changes,
    page,
    sort_query,
    versioned,
)
from catalog_chassis.schemas import ApiModel


class Sort(Ordering):
    NAME = "name"
    CREATED_AT = "createdAt"


class Item(ApiModel):
    name: str
    unit_of_measure: str | None = None


class ItemPatch(ApiModel):
    name: str | None = None
    unit_of_measure: str | None = None


@dataclass(frozen=True)
class Changes:
    name: str | Unchanged | None = KEEP
    unit_of_measure: str | Unchanged | None = KEEP


seen: dict[str, Any] = {}


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/items", status_code=201)
    def create(body: Item, response: Response) -> Item:
        return created(response, "/items/1", 1, body)

    @app.get("/items/1")
    def get(response: Response) -> Item:
        return versioned(response, 4, Item(name="x"))

    @app.put("/items/1")
    def put(body: Item, if_match: IfMatch = None) -> dict[str, Any]:
        return {"expected": expected_version(if_match)}

    @app.patch("/items/1")
    def patch(
        body: Annotated[ItemPatch, Body(media_type="application/merge-patch+json")],
    ) -> dict[str, Any]:
        seen["changes"] = merge_patch_changes(body, Changes)
        return {}

    @app.get("/items")
    def listing(
        paging: PageQuery, response: Response, sort: Annotated[str, sort_query(Sort)] = "name"
    ) -> Page[Item]:
        field, descending = Sort.parse(sort)
        seen["sort"] = (field, descending)
        return page(response, ["a", "b"], 7, paging, lambda name: Item(name=name))

    return app


@pytest.fixture
async def http() -> Any:
    transport = httpx.ASGITransport(app=make_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_created_sets_location_and_etag(http) -> None:
    response = await http.post("/items", json={"name": "x"})

    assert response.status_code == 201
    assert response.headers["Location"] == "/items/1"
    assert response.headers["ETag"] == '"1"'


async def test_versioned_sets_the_etag(http) -> None:
    assert (await http.get("/items/1")).headers["ETag"] == '"4"'


@pytest.mark.parametrize(("header", "expected"), [(None, None), ('"3"', 3), ("*", None)])
async def test_if_match_becomes_the_expected_version(http, header, expected) -> None:
    headers = {"If-Match": header} if header else {}

    response = await http.put("/items/1", json={"name": "x"}, headers=headers)

    assert response.json() == {"expected": expected}


async def test_a_malformed_if_match_is_412(http) -> None:
    response = await http.put("/items/1", json={"name": "x"}, headers={"If-Match": "nope"})

    assert response.status_code == 412


async def test_merge_patch_keeps_absent_fields_and_passes_explicit_null(http) -> None:
    await http.patch(
        "/items/1",
        json={"unitOfMeasure": None},
        headers={"Content-Type": "application/merge-patch+json"},
    )

    assert seen["changes"] == Changes(name=KEEP, unit_of_measure=None)


async def test_list_envelope_and_total_count_header(http) -> None:
    response = await http.get("/items", params={"limit": 2, "offset": 4, "sort": "-createdAt"})

    assert response.json() == {
        "items": [{"name": "a", "unitOfMeasure": None}, {"name": "b", "unitOfMeasure": None}],
        "total": 7,
        "limit": 2,
        "offset": 4,
    }
    assert response.headers["X-Total-Count"] == "7"
    assert seen["sort"] == (Sort.CREATED_AT, True)


async def test_an_unknown_sort_field_is_a_400(http) -> None:
    response = await http.get("/items", params={"sort": "price"})

    assert response.status_code == 400
