"""End-to-end tests of the web UI in Chromium, against the running platform through the edge
(`make up`; the system tier of `make test`). Every test gets a fresh browser context (no
shared storage, so no shared session) and a unique suffix for the names it creates."""

from __future__ import annotations

import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import Browser, BrowserContext, Page, expect  # noqa: E402

from tests.ui.browser import chromium, edge_url, sign_in  # noqa: E402

# Generous: the first request to a page may wait for the server's first render.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def base_url() -> str:
    return edge_url()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def admin_page(page: Page) -> Page:
    page.goto("/login")
    sign_in(page, "admin", "admin")
    return page


@pytest.fixture
def unique() -> str:
    """A suffix that keeps this test's names apart from every other run's (letters only:
    characteristic and specification names allow letters, digits and spaces)."""
    return uuid.uuid4().hex[:10]


class CatalogApi:
    """The API as an admin, through the edge: set-up the UI under test is not about."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def post(self, path: str, body: dict[str, Any], expected: int = 201) -> dict[str, Any]:
        response = self.client.post(path, json=body)
        assert response.status_code == expected, response.text
        result: dict[str, Any] = response.json()
        return result

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def put(self, path: str, version: int, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.put(path, json=body, headers={"If-Match": f'"{version}"'})
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def delete(self, path: str, version: int) -> None:
        response = self.client.delete(path, headers={"If-Match": f'"{version}"'})
        assert response.status_code == 204, response.text

    def characteristic(self, name: str, value: str = "100", unit: str = "Mbps") -> dict[str, Any]:
        return self.post(
            "/api/v1/characteristics", {"name": name, "value": value, "unitOfMeasure": unit}
        )

    def specification(self, name: str, characteristic_ids: list[str]) -> dict[str, Any]:
        return self.post(
            "/api/v1/specifications", {"name": name, "characteristicIds": characteristic_ids}
        )

    def price(self, name: str, value: str = "29.90") -> dict[str, Any]:
        return self.post(
            "/api/v1/prices",
            {"name": name, "value": value, "unit": "per month", "currency": "EUR"},
        )

    def published_offering(
        self,
        name: str,
        spec_id: str,
        price_id: str,
        *,
        channels: tuple[str, ...] = ("ONLINE",),
        description: str | None = None,
    ) -> dict[str, Any]:
        offering = self.post(
            "/api/v1/offerings",
            {
                "name": name,
                "description": description,
                "specificationIds": [spec_id],
                "priceIds": [price_id],
                "salesChannels": list(channels),
            },
        )
        path = f"/api/v1/offerings/{offering['id']}"
        response = self.client.post(
            f"{path}/publish", headers={"If-Match": f'"{offering["version"]}"'}
        )
        assert response.status_code == 202, response.text
        return wait_for(
            lambda: self.get(path),
            lambda current: current["lifecycleStatus"] == "PUBLISHED",
            what=f"offering {name} to be published",
        )

    def in_store(self, offering_id: str) -> dict[str, Any]:
        """The offering's store document, once the store has it (it follows by events)."""

        def read() -> httpx.Response:
            return self.client.get(f"/api/v1/store/offerings/{offering_id}")

        response = wait_for(
            read,
            lambda answer: answer.status_code == 200,
            what=f"offering {offering_id} in the store",
        )
        result: dict[str, Any] = response.json()
        return result

    def store_search(self, **params: Any) -> dict[str, Any]:
        return self.get("/api/v1/store/search", **params)

    def offering_named(self, name: str) -> dict[str, Any]:
        [offering] = self.get("/api/v1/offerings", name=name)["items"]
        return offering


def wait_for(
    read: Callable[[], Any], done: Callable[[Any], bool], *, what: str, within: float = 60.0
) -> Any:
    """Reads until `done` holds (a condition, polled; not a fixed pause)."""
    deadline = time.monotonic() + within
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}: last saw {value!r}")
        time.sleep(0.2)


@pytest.fixture
def catalog_api(base_url: str) -> Iterator[CatalogApi]:
    with httpx.Client(base_url=base_url, timeout=10, trust_env=False) as client:
        token = client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": "admin"}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield CatalogApi(client)


@pytest.fixture
def consumer_drained() -> Callable[[str], None]:
    """``consumer_drained("specification.characteristics")``: the consumer has handled every
    event published so far (its queue holds nothing ready or unacknowledged). The queue is
    the consumer's name, or that name with a generation suffix (``.v2``); its dead letters
    do not count."""
    management = os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")

    def drained(consumer: str) -> None:
        queue = re.compile(rf"{re.escape(consumer)}(\.v\d+)?")

        def backlog(http: httpx.Client) -> list[dict[str, Any]]:
            columns = {"columns": "name,messages,messages_unacknowledged"}
            queues = http.get("/api/queues/%2F", params=columns).json()
            return [state for state in queues if queue.fullmatch(state["name"])]

        with httpx.Client(base_url=management, auth=("guest", "guest"), trust_env=False) as http:
            wait_for(
                lambda: backlog(http),
                lambda states: (
                    bool(states)
                    and all(
                        state.get("messages", 1) == 0
                        and state.get("messages_unacknowledged", 1) == 0
                        for state in states
                    )
                ),
                what=f"the queue of consumer {consumer} to drain",
                within=20.0,
            )

    return drained
