"""The dependency health answer: every service's readiness at once, 503 when one is down,
no internal address in the answer."""

from __future__ import annotations

import httpx
import pytest

from catalog_chassis.dependency_health import create_app, parse_targets

TARGETS = {
    "identity": "http://10.0.0.1:8001/health/ready",
    "pricing": "http://10.0.0.4:8004/health/ready",
}


def transport(down: set[str]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "10.0.0.4" and "pricing" in down:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"status": "UP"})

    return httpx.MockTransport(answer)


async def ask(down: set[str]) -> httpx.Response:
    app = create_app(TARGETS, transport=transport(down))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://status"
    ) as client:
        return await client.get("/health/dependencies")


async def test_all_ready_is_a_200_listing_each_service_with_its_latency():
    response = await ask(down=set())

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "UP"
    assert [(d["name"], d["status"]) for d in body["dependencies"]] == [
        ("identity", "UP"),
        ("pricing", "UP"),
    ]
    assert all(d["latencyMs"] >= 0 for d in body["dependencies"])


async def test_one_service_down_is_a_503_naming_it_without_its_address():
    response = await ask(down={"pricing"})

    assert response.status_code == 503
    assert {d["name"]: d["status"] for d in response.json()["dependencies"]}["pricing"] == "DOWN"
    assert "10.0.0" not in response.text


async def test_its_own_health_answers_whatever_the_services_do():
    app = create_app(TARGETS, transport=transport(down={"pricing"}))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://status"
    ) as client:
        response = await client.get("/health")

    assert (response.status_code, response.json()) == (200, {"status": "UP"})


def test_targets_are_read_from_name_url_pairs():
    assert parse_targets("a=http://x/health/ready, b=http://y/health/ready") == {
        "a": "http://x/health/ready",
        "b": "http://y/health/ready",
    }
    with pytest.raises(ValueError, match="name=url"):
        parse_targets("nonsense")
