from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter
from prometheus_client import REGISTRY

from catalog_chassis.app import create_app
from catalog_chassis.settings import ServiceSettings

router = APIRouter(prefix="/widgets", tags=["widgets"])


@router.get("/{widget_id}")
async def get_widget(widget_id: str) -> dict[str, str]:
    return {"id": widget_id}


@router.get("/{widget_id}/explode")
async def explode(widget_id: str) -> None:
    raise RuntimeError("boom")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(ServiceSettings(service_name="metrics-test"), title="M", routers=[router])
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def requests_counted(route: str, status: str, method: str = "GET") -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


async def test_counts_requests_by_route_template_and_status(client: httpx.AsyncClient) -> None:
    before = requests_counted("/widgets/{widget_id}", "200")

    await client.get("/widgets/a")
    await client.get("/widgets/b")

    assert requests_counted("/widgets/{widget_id}", "200") == before + 2


async def test_counts_unhandled_errors_as_500(client: httpx.AsyncClient) -> None:
    before = requests_counted("/widgets/{widget_id}/explode", "500")

    await client.get("/widgets/a/explode")

    assert requests_counted("/widgets/{widget_id}/explode", "500") == before + 1


async def test_unmatched_paths_share_one_label(client: httpx.AsyncClient) -> None:
    before = requests_counted("<unmatched>", "404")

    await client.get("/no/such/path/1")
    await client.get("/no/such/path/2")

    assert requests_counted("<unmatched>", "404") == before + 2


async def test_records_latency(client: httpx.AsyncClient) -> None:
    labels = {"method": "GET", "route": "/widgets/{widget_id}", "status": "200"}
    before = REGISTRY.get_sample_value("http_request_duration_seconds_count", labels) or 0.0

    await client.get("/widgets/c")

    after = REGISTRY.get_sample_value("http_request_duration_seconds_count", labels)
    assert after == before + 1


async def test_exposes_prometheus_text_format(client: httpx.AsyncClient) -> None:
    await client.get("/widgets/a")

    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'http_requests_total{method="GET",route="/widgets/{widget_id}",status="200"}' in (
        response.text
    )
