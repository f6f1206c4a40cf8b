"""The public Store, as a guest: full-text search, facets and filters with everything in the
URL (a reload keeps it, the back button restores the previous search), and an offering's
page with its whole hierarchy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.ui.conftest import CatalogApi, wait_for

pytestmark = pytest.mark.system


def two_offerings(catalog_api: CatalogApi, unique: str) -> dict[str, dict[str, Any]]:
    """Two published offerings found by the same words: one with a speed sold online, one
    with a latency sold through partners."""
    speed = catalog_api.characteristic(f"Speed {unique}", value="500")
    latency = catalog_api.characteristic(f"Latency {unique}", value="5", unit="ms")
    fibre = catalog_api.specification(f"Fibre spec {unique}", [speed["id"]])
    gaming = catalog_api.specification(f"Gaming spec {unique}", [latency["id"]])
    alpha = catalog_api.published_offering(
        f"Shop {unique} Alpha",
        fibre["id"],
        catalog_api.price(f"Alpha monthly {unique}", value="39.90")["id"],
        description="Fast fibre to the home with a router included",
    )
    beta = catalog_api.published_offering(
        f"Shop {unique} Beta",
        gaming["id"],
        catalog_api.price(f"Beta monthly {unique}", value="19.90")["id"],
        channels=("PARTNER",),
        description="Low latency for gamers",
    )
    for offering in (alpha, beta):
        catalog_api.in_store(offering["id"])
    wait_for(
        lambda: catalog_api.store_search(q=f"Shop {unique}"),
        lambda page: {item["id"] for item in page["items"]} >= {alpha["id"], beta["id"]},
        what="both offerings to be found in the store",
    )
    return {"alpha": alpha, "beta": beta}


def results(page: Page) -> Locator:
    return page.get_by_role("list", name="Offerings").get_by_role("heading")


def toggle(checkbox: Locator, *, checked: bool) -> None:
    """Ticks or clears a filter; its state follows the URL, once the page has navigated."""
    checkbox.click()
    expect(checkbox).to_be_checked(checked=checked)


def search(page: Page, text: str) -> None:
    page.get_by_role("searchbox", name="Search offerings").fill(text)
    expect(page).to_have_url(re.compile(r"[?&]q="))


def test_finds_by_text_and_facet_and_narrows_by_channel_with_the_state_in_the_url(
    page: Page, catalog_api: CatalogApi, unique: str
) -> None:
    two_offerings(catalog_api, unique)
    page.goto("/store")  # no sign-in: the store is public

    search(page, f"Shop {unique}")
    expect(results(page)).to_have_count(2)
    expect(page.get_by_test_id("store-total")).to_have_text("2 offerings")

    filters = page.get_by_role("complementary", name="Filters")
    toggle(filters.get_by_role("checkbox", name=f"Speed {unique}"), checked=True)
    expect(page).to_have_url(re.compile(r"[?&]characteristic=Speed\+"))
    expect(results(page)).to_have_text([f"Shop {unique} Alpha"])
    toggle(filters.get_by_role("checkbox", name=f"Speed {unique}"), checked=False)
    expect(results(page)).to_have_count(2)

    toggle(filters.get_by_role("checkbox", name="Partner"), checked=True)
    expect(page).to_have_url(re.compile(r"[?&]channel=PARTNER"))
    expect(results(page)).to_have_text([f"Shop {unique} Beta"])

    page.reload()
    expect(results(page)).to_have_text([f"Shop {unique} Beta"])
    expect(page.get_by_role("searchbox", name="Search offerings")).to_have_value(f"Shop {unique}")
    expect(filters.get_by_role("checkbox", name="Partner")).to_be_checked()

    page.go_back()  # the search before the channel filter
    expect(results(page)).to_have_count(2)
    expect(filters.get_by_role("checkbox", name="Partner")).not_to_be_checked()

    page.get_by_role("combobox", name="Sort by").select_option("price")
    expect(page).to_have_url(re.compile(r"[?&]sort=price"))
    expect(results(page)).to_have_text([f"Shop {unique} Beta", f"Shop {unique} Alpha"])


def test_a_typo_still_finds_it(page: Page, catalog_api: CatalogApi, unique: str) -> None:
    two_offerings(catalog_api, unique)
    page.goto(f"/store?q=Shop+{unique}+gamrs")

    expect(results(page)).to_contain_text([f"Shop {unique} Beta"])


def test_an_offering_page_shows_its_hierarchy_and_leads_back(
    page: Page, catalog_api: CatalogApi, unique: str
) -> None:
    offerings = two_offerings(catalog_api, unique)
    page.goto(f"/store?q=Shop+{unique}&channel=ONLINE")
    card = page.get_by_test_id("store-result").filter(has_text=f"Shop {unique} Alpha")
    expect(card).to_contain_text("From 39.90 EUR per month")
    expect(card.get_by_role("list", name="Sales channels")).to_have_text("Online")

    card.get_by_role("link", name=f"Shop {unique} Alpha").click()

    expect(page).to_have_url(re.compile(rf"/store/{offerings['alpha']['id']}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Shop {unique} Alpha")
    expect(page.get_by_text("Fast fibre to the home with a router included")).to_be_visible()
    specifications = page.get_by_role("region", name="Specifications")
    expect(specifications.get_by_role("heading", name=f"Fibre spec {unique}")).to_be_visible()
    expect(specifications).to_contain_text(f"Speed {unique}")
    expect(specifications).to_contain_text("500 Mbps")
    prices = page.get_by_role("region", name="Prices")
    expect(prices).to_contain_text(f"Alpha monthly {unique}")
    expect(prices).to_contain_text("39.90 EUR per month")

    page.get_by_role("link", name="Back to the results").click()
    expect(page).to_have_url(re.compile(r"/store\?q=Shop"))
    expect(results(page)).to_have_text([f"Shop {unique} Alpha"])


def test_an_unknown_offering_says_so(page: Page) -> None:
    page.goto("/store/00000000-0000-4000-8000-000000000000")

    expect(page.get_by_text("This offering is not in the store")).to_be_visible()
