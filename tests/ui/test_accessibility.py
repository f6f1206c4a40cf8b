"""axe-core (the frontend's own copy) finds nothing serious or critical on the main pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.ui.browser import BLOCKING_IMPACTS, axe_violations, describe_violations

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
