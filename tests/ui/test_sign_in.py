"""Signing in and out, and coming back to the page a lost session interrupted."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.ui.browser import sign_in

pytestmark = pytest.mark.system

SESSION_KEY = "catalog.session"


def edit_session(page: Page, **changes: object) -> None:
    """Changes the stored session the way time or a revoked token would."""
    page.evaluate(
        """([key, changes]) => {
            const session = JSON.parse(localStorage.getItem(key));
            localStorage.setItem(key, JSON.stringify({ ...session, ...changes }));
        }""",
        [SESSION_KEY, changes],
    )


def test_an_admin_signs_in_sees_name_and_role_and_signs_out(page: Page) -> None:
    page.goto("/login")
    sign_in(page, "admin", "admin")

    expect(page).to_have_url(re.compile(r"/builder$"))
    user = page.get_by_test_id("current-user")
    expect(user).to_contain_text("admin")
    expect(user).to_contain_text("ADMIN")

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/login\?reason=signed-out$"))
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_count(0)
    stored = page.evaluate(f"localStorage.getItem('{SESSION_KEY}')")
    assert stored is None


def test_a_wrong_password_is_refused_on_the_form(page: Page) -> None:
    page.goto("/login")
    # A username of its own: failed logins slow down further tries of the same one.
    page.get_by_label("Username").fill(f"nobody-{uuid.uuid4().hex[:8]}")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert").filter(has_text="Could not sign in")).to_contain_text(
        "The username or password is not right."
    )
    expect(page).to_have_url(re.compile(r"/login$"))


def test_the_empty_form_says_what_is_missing_without_asking_the_server(page: Page) -> None:
    page.goto("/login")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("Username is required")).to_be_visible()
    expect(page.get_by_text("Password is required")).to_be_visible()


def test_a_guest_is_sent_to_sign_in_and_then_to_the_page_asked_for(page: Page) -> None:
    page.goto("/builder?tab=price")

    expect(page).to_have_url(re.compile(r"/login\?next=%2Fbuilder%3Ftab%3Dprice$"))
    sign_in(page, "admin", "admin")

    expect(page).to_have_url(re.compile(r"/builder\?tab=price$"))
    expect(page.get_by_role("tab", name="Price")).to_have_attribute("aria-selected", "true")


def test_a_401_sends_the_user_to_sign_in_and_back_where_they_were(page: Page) -> None:
    page.goto("/login")
    sign_in(page, "admin", "admin")
    page.goto("/builder?tab=specification")
    expect(page.get_by_role("heading", name="New specification")).to_be_visible()

    # The token the server no longer accepts (revoked keys, a restarted identity service):
    # the next API call answers 401.
    edit_session(page, accessToken="not-a-valid-token")
    page.reload()

    expect(page).to_have_url(
        re.compile(r"/login\?next=%2Fbuilder%3Ftab%3Dspecification&reason=unauthorized$")
    )
    expect(page.get_by_text("Your session is no longer valid.")).to_be_visible()
    sign_in(page, "admin", "admin")

    expect(page).to_have_url(re.compile(r"/builder\?tab=specification$"))
    expect(page.get_by_role("heading", name="New specification")).to_be_visible()


def test_an_expired_session_asks_to_sign_in_again(page: Page) -> None:
    page.goto("/login")
    sign_in(page, "admin", "admin")
    page.goto("/builder")
    expect(page.get_by_role("heading", name="New characteristic")).to_be_visible()

    edit_session(page, expiresAt=0)
    page.reload()

    expect(page).to_have_url(re.compile(r"/login\?next=%2Fbuilder&reason=expired$"))
    expect(page.get_by_text("Your session has expired.")).to_be_visible()


def test_signing_out_in_one_tab_signs_out_the_others(context: BrowserContext) -> None:
    first = context.new_page()
    first.goto("/login")
    sign_in(first, "admin", "admin")
    second = context.new_page()
    second.goto("/builder")
    expect(second.get_by_test_id("current-user")).to_contain_text("admin")

    first.get_by_role("button", name="Sign out").click()

    expect(second).to_have_url(re.compile(r"/login"))
    expect(second.get_by_test_id("current-user")).to_have_count(0)


def test_the_store_needs_no_sign_in(page: Page) -> None:
    page.goto("/store")

    expect(page.get_by_role("heading", name="Store", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/store$"))
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert page.evaluate(f"localStorage.getItem('{SESSION_KEY}')") is None
