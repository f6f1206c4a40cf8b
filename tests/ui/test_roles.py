"""What each role sees: the Builder and every write action are for admins only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.ui.browser import sign_in

pytestmark = pytest.mark.system


def test_a_user_lands_on_the_viewer_without_a_builder_link(page: Page) -> None:
    page.goto("/login")
    sign_in(page, "user", "user")

    expect(page).to_have_url(re.compile(r"/viewer$"))
    expect(page.get_by_test_id("current-user")).to_contain_text("USER")
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Viewer")).to_be_visible()
    expect(navigation.get_by_role("link", name="Store")).to_be_visible()
    expect(navigation.get_by_role("link", name="Builder")).to_have_count(0)


def test_a_user_who_opens_the_builder_gets_no_write_action(page: Page) -> None:
    page.goto("/login")
    sign_in(page, "user", "user")

    page.goto("/builder")

    expect(page.get_by_role("heading", name="This page is for admins")).to_be_visible()
    for action in ("Create characteristic", "Save draft", "Publish"):
        expect(page.get_by_role("button", name=action)).to_have_count(0)
    expect(page.get_by_role("tab")).to_have_count(0)


def test_an_admin_has_every_section(page: Page) -> None:
    page.goto("/login")
    sign_in(page, "admin", "admin")

    navigation = page.get_by_role("navigation", name="Main")
    for section in ("Builder", "Viewer", "Store"):
        expect(navigation.get_by_role("link", name=section)).to_be_visible()
    expect(navigation.get_by_role("link", name="Builder")).to_have_attribute("aria-current", "page")


def test_the_edge_serves_the_ui_at_the_root(page: Page) -> None:
    page.goto("/")

    # A guest is shown the public store.
    expect(page).to_have_url(re.compile(r"/store$"))
    expect(page).to_have_title(re.compile("Catalog"))
