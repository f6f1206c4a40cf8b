"""The Builder, by clicking and typing only: characteristic -> specification -> price ->
offering -> publish; and how it reports what the server refuses."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.ui.conftest import CatalogApi

pytestmark = pytest.mark.system

# The saga settles within a second or two; the UI itself gives up after 60 s.
PUBLICATION_TIMEOUT_MS = 65_000


def textbox(page: Page, label: str) -> Locator:
    return page.get_by_role("textbox", name=label, exact=True)


def pick(page: Page, field: str, item: str) -> None:
    """Picks `item` in a multi-select: open it, search, choose, close."""
    noun = field.lower()
    page.get_by_role("button", name=field, exact=True).click()
    page.get_by_role("combobox", name=f"Search {noun}").fill(item)
    page.get_by_role("option").filter(has_text=item).click()
    page.keyboard.press("Escape")
    expect(page.get_by_role("list", name=f"Selected {noun}")).to_contain_text(item)


def field_error(page: Page, field_id: str) -> Locator:
    return page.locator(f"[data-field-error='{field_id}']")


def offering_card(page: Page) -> Locator:
    return page.locator("section[aria-labelledby='offering-form-title']")


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")


def test_builds_and_publishes_an_offering(admin_page: Page, unique: str) -> None:
    page = admin_page
    page.goto("/builder")

    textbox(page, "Name").fill(f"Speed {unique}")
    textbox(page, "Value").fill("100")
    page.get_by_role("combobox", name="Unit").select_option("Mbps")
    page.get_by_role("button", name="Create characteristic").click()
    expect(page.get_by_text(f"Characteristic “Speed {unique}” created")).to_be_visible()
    expect(page.get_by_role("list", name="Recent characteristics")).to_contain_text(
        f"Speed {unique}"
    )

    open_tab(page, "Specification")
    textbox(page, "Name").fill(f"Fibre {unique}")
    textbox(page, "Description").fill("Fibre to the home, symmetric")
    pick(page, "Characteristics", f"Speed {unique}")
    page.get_by_role("button", name="Create specification").click()
    expect(page.get_by_text(f"Specification “Fibre {unique}” created")).to_be_visible()

    open_tab(page, "Price")
    textbox(page, "Name").fill(f"Fibre {unique} (monthly)")
    textbox(page, "Amount").fill("19.99")
    page.get_by_role("combobox", name="Currency").select_option("EUR")
    page.get_by_role("combobox", name="Per").fill("per month")
    page.get_by_role("button", name="Create price").click()
    expect(page.get_by_text(f"Price “Fibre {unique} (monthly)” created")).to_be_visible()

    open_tab(page, "Offering")
    card = offering_card(page)
    publish = card.get_by_role("button", name="Publish")
    textbox(page, "Name").fill(f"Home {unique}")
    textbox(page, "Description").fill("Fibre for the whole family")
    pick(page, "Specifications", f"Fibre {unique}")
    pick(page, "Prices", f"Fibre {unique} (monthly)")
    expect(publish).to_be_disabled()  # no sales channel yet
    page.get_by_role("checkbox", name="Online").check()
    expect(publish).to_be_enabled()

    publish.click()

    expect(card.get_by_test_id("publication-progress")).to_be_visible()
    expect(card.get_by_test_id("lifecycle-status")).to_have_text(
        "PUBLISHED", timeout=PUBLICATION_TIMEOUT_MS
    )
    expect(page.get_by_text(f"“Home {unique}” is published")).to_be_visible()
    expect(card.get_by_test_id("publication-progress")).to_have_count(0)
    expect(publish).to_be_disabled()
    expect(textbox(page, "Name")).to_be_disabled()


def test_a_failed_publication_shows_its_reason(
    admin_page: Page, catalog_api: CatalogApi, unique: str
) -> None:
    # A price is in one published offering at most: publishing a second one with it fails.
    characteristic = catalog_api.characteristic(f"Latency {unique}")
    specification = catalog_api.specification(f"Gaming {unique}", [characteristic["id"]])
    price = catalog_api.price(f"Gaming {unique} (monthly)")
    catalog_api.published_offering(f"Gaming first {unique}", specification["id"], price["id"])
    page = admin_page
    page.goto("/builder?tab=offering")
    card = offering_card(page)

    textbox(page, "Name").fill(f"Gaming second {unique}")
    pick(page, "Specifications", f"Gaming {unique}")
    pick(page, "Prices", f"Gaming {unique} (monthly)")
    page.get_by_role("checkbox", name="Online").check()
    card.get_by_role("button", name="Publish").click()

    reason = card.get_by_test_id("publication-failure-reason")
    expect(reason).to_be_visible(timeout=PUBLICATION_TIMEOUT_MS)
    expect(card.get_by_test_id("lifecycle-status")).to_have_text("DRAFT")
    stored = catalog_api.offering_named(f"Gaming second {unique}")
    assert stored["lifecycleStatus"] == "DRAFT"
    assert stored["publicationFailureReason"]
    expect(reason).to_have_text(stored["publicationFailureReason"])
    expect(page.get_by_text(f"Publication of “Gaming second {unique}” failed")).to_be_visible()
    expect(card.get_by_role("button", name="Publish")).to_be_enabled()  # fix it, try again


def test_a_taken_name_is_refused_next_to_the_name(
    admin_page: Page, catalog_api: CatalogApi, unique: str
) -> None:
    catalog_api.characteristic(f"Taken {unique}")
    page = admin_page
    page.goto("/builder")

    textbox(page, "Name").fill(f"taken  {unique}")  # names compare trimmed, in any case
    textbox(page, "Value").fill("1")
    page.get_by_role("combobox", name="Unit").select_option("Gbps")
    page.get_by_role("button", name="Create characteristic").click()

    expect(field_error(page, "characteristic-name")).to_contain_text("already exists")
    expect(textbox(page, "Name")).to_have_attribute("aria-invalid", "true")
    expect(textbox(page, "Name")).to_be_focused()


def test_a_validation_error_from_the_server_shows_next_to_its_field(
    admin_page: Page,
    catalog_api: CatalogApi,
    consumer_drained: Callable[[str], None],
    unique: str,
) -> None:
    characteristic = catalog_api.characteristic(f"Gone {unique}")
    page = admin_page
    page.goto("/builder?tab=specification")
    textbox(page, "Name").fill(f"Orphan {unique}")
    pick(page, "Characteristics", f"Gone {unique}")

    # Deleted by someone else while the form is open; the specification service has heard.
    catalog_api.delete(f"/api/v1/characteristics/{characteristic['id']}", characteristic["version"])
    consumer_drained("specification.characteristics")
    page.get_by_role("button", name="Create specification").click()

    error = field_error(page, "specification-characteristics")
    expect(error).to_have_text(f"Unknown characteristics: {characteristic['id']}")
    expect(page.get_by_role("button", name="Characteristics", exact=True)).to_be_focused()


def test_the_forms_check_what_the_api_checks_before_sending(admin_page: Page) -> None:
    page = admin_page
    sent: list[str] = []
    page.on(
        "request",
        lambda request: sent.append(request.url) if request.method == "POST" else None,
    )
    page.goto("/builder?tab=price")

    textbox(page, "Name").fill("Price <b>")
    textbox(page, "Amount").fill("19.999")
    page.get_by_role("button", name="Create price").click()

    expect(field_error(page, "price-name")).to_have_text(
        "Name may contain only letters, digits, spaces and - _ . / ( ) ,"
    )
    expect(field_error(page, "price-value")).to_have_text(
        "Amount must have at most 2 decimal places"
    )
    expect(field_error(page, "price-currency")).to_have_text("Currency is required")
    expect(field_error(page, "price-unit")).to_have_text("Per is required")
    textbox(page, "Amount").fill("0")
    expect(field_error(page, "price-value")).to_have_text("Amount must be greater than 0")
    assert sent == []
