from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, Response

from catalog_chassis.app import create_app
from catalog_chassis.pagination import Page, PageParams, PageQuery, set_total_count
from catalog_chassis.schemas import ApiModel
from catalog_chassis.settings import ServiceSettings


class Item(ApiModel):
    item_name: str


router = APIRouter(prefix="/items", tags=["items"])
ALL_ITEMS = [Item(item_name=f"item-{n}") for n in range(45)]


@router.get("")
async def list_items(page: PageQuery, response: Response) -> Page[Item]:
    set_total_count(response, len(ALL_ITEMS))
    window = ALL_ITEMS[page.offset : page.offset + page.limit]
    return Page[Item].of(window, total=len(ALL_ITEMS), params=page)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(ServiceSettings(service_name="pages"), title="Pages", routers=[router])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_defaults_to_the_first_twenty(client: httpx.AsyncClient) -> None:
    response = await client.get("/items")

    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (45, 20, 0)
    assert len(body["items"]) == 20
    assert body["items"][0] == {"itemName": "item-0"}
    assert response.headers["X-Total-Count"] == "45"


async def test_honours_limit_and_offset(client: httpx.AsyncClient) -> None:
    body = (await client.get("/items", params={"limit": 10, "offset": 40})).json()

    assert [item["itemName"] for item in body["items"]] == [f"item-{n}" for n in range(40, 45)]
    assert (body["limit"], body["offset"]) == (10, 40)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 2**31}, "offset"),
        ({"offset": 23477381696296241332224}, "offset"),
    ],
)
async def test_out_of_range_values_are_400(
    client: httpx.AsyncClient, params: dict[str, int], field: str
) -> None:
    response = await client.get("/items", params=params)

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_page_serializes_in_the_list_contract_shape() -> None:
    page = Page[Item].of([Item(item_name="x")], total=1, params=PageParams(limit=5, offset=0))

    assert page.model_dump(mode="json") == {
        "items": [{"itemName": "x"}],
        "total": 1,
        "limit": 5,
        "offset": 0,
    }
