"""Screenshots of the web UI for the README: `uv run python tests/ui/screenshots.py` with the
platform up (`make up`). Writes docs/ui/login.png and docs/ui/builder.png (the offering
tab of a signed-in admin, with a draft ready to publish), docs/ui/viewer.png (the offerings
of a few published products, as an admin sees them) and docs/ui/store.png (a search for them
in the public store)."""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import httpx  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from tests.ui.browser import chromium, edge_url, sign_in  # noqa: E402

TARGET = REPO_ROOT / "docs" / "ui"
VIEWPORT = {"width": 1280, "height": 860}


def seed(base_url: str, suffix: str) -> dict[str, str]:
    """A characteristic, a specification and a price to compose an offering from."""
    with httpx.Client(base_url=base_url, timeout=10, trust_env=False) as client:
        login = client.post("/api/v1/auth/login", json={"username": "admin", "password": "admin"})
        client.headers["Authorization"] = (
            f"Bearer {login.raise_for_status().json()['access_token']}"
        )

        def create(path: str, body: dict[str, object]) -> str:
            return str(client.post(path, json=body).raise_for_status().json()["id"])

        speed = create(
            "/api/v1/characteristics",
            {"name": f"Download speed {suffix}", "value": "500", "unitOfMeasure": "Mbps"},
        )
        create(
            "/api/v1/specifications",
            {
                "name": f"Fibre 500 {suffix}",
                "description": "Symmetric fibre to the home",
                "characteristicIds": [speed],
            },
        )
        create(
            "/api/v1/prices",
            {
                "name": f"Fibre 500 monthly {suffix}",
                "value": "39.90",
                "unit": "per month",
                "currency": "EUR",
            },
        )
    return {"specification": f"Fibre 500 {suffix}", "price": f"Fibre 500 monthly {suffix}"}


PRODUCTS = [
    # name, description, characteristics (name, value, unit), price, channels
    (
        "Fibre 1000 home",
        "Gigabit fibre to the home with a wifi 7 router, for streaming and working from home",
        [("Download speed", "1000", "Mbps"), ("Upload speed", "500", "Mbps")],
        "49.90",
        ["ONLINE", "RETAIL_STORE"],
    ),
    (
        "Fibre 250 starter",
        "Fast, symmetric fibre for small households",
        [("Download speed", "250", "Mbps"), ("Upload speed", "250", "Mbps")],
        "29.90",
        ["ONLINE"],
    ),
    (
        "Mobile unlimited",
        "Unlimited calls and texts with 100 GB of 5G data each month",
        [("Data allowance", "100", "GB")],
        "24.50",
        ["ONLINE", "MOBILE_APP", "PARTNER"],
    ),
    (
        "Gaming boost",
        "Low latency routing for online gaming, added to any fibre plan",
        [("Latency", "5", "ms")],
        "7.90",
        ["ONLINE", "CALL_CENTER"],
    ),
]


def seed_store(base_url: str, suffix: str) -> None:
    """A few published products (each its own characteristics and price), in the store."""
    with httpx.Client(base_url=base_url, timeout=10, trust_env=False) as client:
        login = client.post("/api/v1/auth/login", json={"username": "admin", "password": "admin"})
        client.headers["Authorization"] = (
            f"Bearer {login.raise_for_status().json()['access_token']}"
        )

        def create(path: str, body: dict[str, object]) -> dict[str, object]:
            result: dict[str, object] = client.post(path, json=body).raise_for_status().json()
            return result

        published: list[str] = []
        for name, description, characteristics, amount, channels in PRODUCTS:
            ids = [
                create(
                    "/api/v1/characteristics",
                    {"name": f"{label} {name} {suffix}", "value": value, "unitOfMeasure": unit},
                )["id"]
                for label, value, unit in characteristics
            ]
            spec = create(
                "/api/v1/specifications",
                {"name": f"{name} {suffix}", "description": description, "characteristicIds": ids},
            )
            price = create(
                "/api/v1/prices",
                {
                    "name": f"{name} monthly {suffix}",
                    "value": amount,
                    "unit": "per month",
                    "currency": "EUR",
                },
            )
            offering = create(
                "/api/v1/offerings",
                {
                    "name": f"{name} {suffix}",
                    "description": description,
                    "specificationIds": [spec["id"]],
                    "priceIds": [price["id"]],
                    "salesChannels": channels,
                },
            )
            client.post(
                f"/api/v1/offerings/{offering['id']}/publish",
                headers={"If-Match": f'"{offering["version"]}"'},
            ).raise_for_status()
            published.append(str(offering["id"]))
        deadline = time.monotonic() + 60
        for offering_id in published:  # the saga, then the store's projection, settle
            while client.get(f"/api/v1/store/offerings/{offering_id}").status_code != 200:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"offering {offering_id} did not reach the store")
                time.sleep(0.2)


def pick(page: Page, field: str, item: str) -> None:
    page.get_by_role("button", name=field, exact=True).click()
    page.get_by_role("combobox", name=f"Search {field.lower()}").fill(item)
    page.get_by_role("option").filter(has_text=item).click()
    page.keyboard.press("Escape")


def main() -> int:
    base_url = edge_url()
    suffix = uuid.uuid4().hex[:6]
    names = seed(base_url, suffix)
    TARGET.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        context = browser.new_context(base_url=base_url, viewport=VIEWPORT)
        page = context.new_page()
        page.goto("/login")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        page.screenshot(path=TARGET / "login.png")

        sign_in(page, "admin", "admin")
        page.goto("/builder?tab=offering")
        page.get_by_role("textbox", name="Name", exact=True).fill(f"Fibre 500 home {suffix}")
        page.get_by_role("textbox", name="Description", exact=True).fill(
            "Fibre to the home with a router, for the whole family"
        )
        pick(page, "Specifications", names["specification"])
        pick(page, "Prices", names["price"])
        page.get_by_role("checkbox", name="Online").check()
        page.get_by_role("checkbox", name="Retail Store").check()
        expect(page.get_by_role("button", name="Publish")).to_be_enabled()
        page.screenshot(path=TARGET / "builder.png", full_page=True)

        seed_store(base_url, suffix)
        page.goto(f"/viewer?tab=offerings&name={suffix}")
        expect(page.get_by_test_id("viewer-total")).to_have_text("4 offerings found")
        page.screenshot(path=TARGET / "viewer.png", full_page=True)

        store = browser.new_context(base_url=base_url, viewport=VIEWPORT)  # a guest
        guest = store.new_page()
        guest.goto(f"/store?q={suffix}")
        for name, *_ in PRODUCTS:
            expect(guest.get_by_role("link", name=f"{name} {suffix}")).to_be_visible()
        guest.screenshot(path=TARGET / "store.png", full_page=True)
        store.close()
        context.close()
    for name in ("login.png", "builder.png", "viewer.png", "store.png"):
        print(f"wrote {(TARGET / name).relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
