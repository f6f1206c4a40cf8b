"""The public store API in-process against the real document store and search engine:
no token needed, bad parameters are 400 naming each, unknown offerings 404."""

from __future__ import annotations

import uuid

import pytest
from opensearchpy import AsyncOpenSearch

from catalog_testing import asgi_client, assert_problem, fields_of
from store_service.config import StoreSettings
from store_service.entrypoints.api import create_app

pytestmark = pytest.mark.component

BASE = "/api/v1/store"


@pytest.fixture(scope="module")
async def client(mongodb_url, search_url, rabbitmq_url):
    suffix = uuid.uuid4().hex[:8]
    settings = StoreSettings(
        environment="development",
        mongodb_url=mongodb_url,
        mongodb_database=f"store_api_test_{suffix}",
        search_url=search_url,
        search_alias=f"store-api-test-{suffix}",
        rabbitmq_url=rabbitmq_url,
    )
    app = create_app(settings)
    async with asgi_client(app, "http://store") as c:
        yield c
    await app.state.container.mongo_client.drop_database(settings.mongodb_database)
    search = AsyncOpenSearch(hosts=[search_url])
    try:  # the test's own index(es) behind its alias
        await search.indices.delete(index=f"{settings.search_alias}-*", ignore_unavailable=True)
    finally:
        await search.close()


async def test_an_empty_store_answers_the_contract_shape_without_a_token(client):
    response = await client.get(f"{BASE}/offerings")

    assert response.status_code == 200
    assert response.json() == {
        "items": [],
        "total": 0,
        "limit": 20,
        "offset": 0,
        "facets": {
            "characteristics": [],
            "units": [],
            "salesChannels": [],
            "price": {"min": None, "max": None},
        },
    }
    assert response.headers["X-Total-Count"] == "0"


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"minPrice": "cheap"}, {"minPrice"}),
        ({"minPrice": "10", "maxPrice": "5"}, {"minPrice"}),
        ({"maxPrice": "-1"}, {"maxPrice"}),
        ({"currency": "euro"}, {"currency"}),
        ({"channel": "FAX"}, {"channel"}),
        ({"sort": "popularity"}, {"sort"}),
        ({"unit.Mbps.min": "fast"}, {"unit.Mbps.min"}),
        ({"unit.Mbps.min": "500", "unit.Mbps.max": "100"}, {"unit.Mbps.min"}),
        ({"unit.Mbps": "100"}, {"unit.Mbps"}),
        ({"limit": "0"}, {"limit"}),
        ({"offset": "-3"}, {"offset"}),
        ({"offset": "9990", "limit": "20"}, {"offset"}),
        ({"q": "x" * 201}, {"q"}),
        ({"q": "nul\x00byte"}, {"q"}),
    ],
)
async def test_bad_parameters_are_400_naming_each(client, params, fields):
    for path in ("offerings", "search"):
        problem = assert_problem(await client.get(f"{BASE}/{path}", params=params), 400)
        assert fields_of(problem) == fields


async def test_every_mistake_is_reported_at_once(client):
    params = {"minPrice": "x", "channel": "FAX", "sort": "?"}

    problem = assert_problem(await client.get(f"{BASE}/search", params=params), 400)

    assert fields_of(problem) == {"minPrice", "channel", "sort"}


async def test_an_offering_that_is_not_published_is_404(client):
    assert_problem(await client.get(f"{BASE}/offerings/{uuid.uuid4()}"), 404)


async def test_readiness_reports_the_projection_backlog(client):
    response = await client.get("/health/ready")

    checks = response.json()["checks"]
    assert checks["mongodb"]["status"] == "UP"
    assert checks["search"]["status"] == "UP"
    assert set(checks["consumers"]["queueDepths"]) == {
        "store.characteristics",
        "store.specifications",
        "store.prices",
        "store.offerings",
    }
