"""axe-core (the frontend's own copy) finds nothing serious or critical on the main pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.ui.browser import BLOCKING_IMPACTS, axe_violations, describe_violations
from tests.ui.conftest import CatalogApi

pytestmark = pytest.mark.system


def assert_accessible(page: Page, where: str) -> None:
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"{where}:\n{describe_violations(blocking)}"


def test_the_login_page_is_accessible(page: Page) -> None:
    page.goto("/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()

    assert_accessible(page, "/login")


def test_the_login_page_with_errors_is_accessible(page: Page) -> None:
    page.goto("/login?reason=expired")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Username is required")).to_be_visible()

    assert_accessible(page, "/login with errors")


@pytest.mark.parametrize("tab", ["Characteristic", "Specification", "Price", "Offering"])
def test_every_builder_tab_is_accessible(admin_page: Page, tab: str) -> None:
    page = admin_page
    page.goto("/builder")
    page.get_by_role("tab", name=tab).click()
    expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel").get_by_role("button").first).to_be_visible()

    assert_accessible(page, f"/builder, {tab} tab")


def test_an_open_multi_select_is_accessible(admin_page: Page) -> None:
    page = admin_page
    page.goto("/builder?tab=specification")
    page.get_by_role("button", name="Characteristics", exact=True).click()
    expect(page.get_by_role("combobox", name="Search characteristics")).to_be_focused()

    assert_accessible(page, "/builder, characteristic picker open")


@pytest.mark.parametrize("tab", ["Characteristics", "Specifications", "Prices", "Offerings"])
def test_every_viewer_tab_is_accessible(admin_page: Page, tab: str) -> None:
    page = admin_page
    page.goto("/viewer")
    page.get_by_role("tab", name=tab).click()
    expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("viewer-range")).to_be_visible()

    assert_accessible(page, f"/viewer, {tab} tab")


def test_the_viewer_edit_dialog_is_accessible(
    admin_page: Page, catalog_api: CatalogApi, unique: str
) -> None:
    catalog_api.price(f"Dialog {unique}")
    page = admin_page
    page.goto(f"/viewer?tab=prices&name=Dialog+{unique}")
    page.get_by_role("button", name=f"Edit Dialog {unique}").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.get_by_role("textbox", name="Amount")).to_have_value("29.90")

    assert_accessible(page, "/viewer, edit dialog open")


def published(catalog_api: CatalogApi, unique: str) -> dict[str, Any]:
    characteristic = catalog_api.characteristic(f"Axe speed {unique}")
    specification = catalog_api.specification(f"Axe spec {unique}", [characteristic["id"]])
    price = catalog_api.price(f"Axe price {unique}")
    offering = catalog_api.published_offering(
        f"Axe {unique}", specification["id"], price["id"], description="For the checks"
    )
    return catalog_api.in_store(offering["id"])


def test_the_store_with_results_and_facets_is_accessible(
    page: Page, catalog_api: CatalogApi, unique: str
) -> None:
    published(catalog_api, unique)
    page.goto("/store")
    expect(page.get_by_role("searchbox", name="Search offerings")).to_be_visible()
    expect(page.get_by_test_id("store-total")).to_have_text(re.compile(r"^\d+ offerings?$"))

    assert_accessible(page, "/store")

    page.goto(f"/store?q=Axe+{unique}")
    expect(page.get_by_role("checkbox", name=f"Axe speed {unique}")).to_be_visible()

    assert_accessible(page, "/store with a search")


def test_a_store_offering_page_is_accessible(
    page: Page, catalog_api: CatalogApi, unique: str
) -> None:
    offering = published(catalog_api, unique)
    page.goto(f"/store/{offering['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Axe {unique}")

    assert_accessible(page, "/store/[id]")
