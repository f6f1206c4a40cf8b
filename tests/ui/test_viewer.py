"""The Viewer: lists with paging, filter and sort in the URL; editing against a stale
version; what a refused delete says; what a user may not do; retiring an offering."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.ui.browser import sign_in
from tests.ui.conftest import CatalogApi

pytestmark = pytest.mark.system


def rows(page: Page) -> Locator:
    return page.locator("tbody tr")


def row(page: Page, name: str) -> Locator:
    # A locked price's name cell also says "locked".
    header = page.get_by_role("rowheader", name=re.compile(rf"^{re.escape(name)}( locked)?$"))
    return rows(page).filter(has=header)


def shown(first: int, last: int, total: int) -> str:
    return f"{first}\N{EN DASH}{last} of {total}"


def filter_by_name(page: Page, text: str) -> None:
    page.get_by_role("searchbox", name="Filter by name").fill(text)
    expect(page).to_have_url(re.compile(r"[?&]name="))


def test_pages_filters_and_sorts_with_the_state_in_the_url(
    admin_page: Page, catalog_api: CatalogApi, unique: str
) -> None:
    for number in range(23):
        catalog_api.characteristic(f"Paged {unique} {number:02d}", value=str(number + 1))
    page = admin_page
    page.goto("/viewer")

    filter_by_name(page, f"Paged {unique}")
    expect(page.get_by_test_id("viewer-total")).to_have_text("23 characteristics found")
    expect(page.get_by_test_id("viewer-range")).to_have_text(shown(1, 20, 23))
    expect(rows(page)).to_have_count(20)

    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    expect(page.get_by_test_id("viewer-range")).to_have_text(shown(21, 23, 23))
    expect(rows(page)).to_have_count(3)

    page.get_by_role("button", name="Name", exact=True).click()  # back to page 1, A to Z
    name_header = page.get_by_role("columnheader", name="Name")
    expect(name_header).to_have_attribute("aria-sort", "ascending")
    expect(page).to_have_url(re.compile(r"[?&]sort=name(&|$)"))
    expect(rows(page).first.get_by_role("rowheader")).to_have_text(f"Paged {unique} 00")
    expect(page.get_by_test_id("viewer-range")).to_have_text(shown(1, 20, 23))

    page.get_by_role("button", name="Name", exact=True).click()
    expect(name_header).to_have_attribute("aria-sort", "descending")
    expect(rows(page).first.get_by_role("rowheader")).to_have_text(f"Paged {unique} 22")

    # The state is the URL's: a reload keeps it, the back button walks back through it.
    page.reload()
    expect(rows(page).first.get_by_role("rowheader")).to_have_text(f"Paged {unique} 22")
    expect(page.get_by_role("searchbox", name="Filter by name")).to_have_value(f"Paged {unique}")
    page.go_back()
    expect(name_header).to_have_attribute("aria-sort", "ascending")
    expect(rows(page).first.get_by_role("rowheader")).to_have_text(f"Paged {unique} 00")


def test_saving_over_someone_elses_change_is_refused_and_reload_shows_theirs(
    admin_page: Page, catalog_api: CatalogApi, unique: str
) -> None:
    name = f"Stale {unique}"
    created = catalog_api.characteristic(name)
    page = admin_page
    page.goto(f"/viewer?name={name.replace(' ', '+')}")
    page.get_by_role("button", name=f"Edit {name}").click()
    dialog = page.get_by_role("dialog", name=f"Edit characteristic “{name}”")
    value = dialog.get_by_role("textbox", name="Value")
    expect(value).to_have_value("100")

    # Someone else saves first.
    catalog_api.put(
        f"/api/v1/characteristics/{created['id']}",
        created["version"],
        {"name": name, "value": "200", "unitOfMeasure": "Mbps"},
    )
    value.fill("300")
    dialog.get_by_role("button", name="Save changes").click()

    expect(dialog.get_by_role("alert")).to_contain_text(f"“{name}” was changed by someone else")
    expect(dialog.get_by_role("button", name="Save changes")).to_be_disabled()

    dialog.get_by_role("button", name="Reload the current version").click()
    expect(value).to_have_value("200")
    value.fill("300")
    dialog.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text(f"Characteristic “{name}” saved")).to_be_visible()
    expect(dialog).to_have_count(0)
    expect(row(page, name)).to_contain_text("300 Mbps")
    assert catalog_api.get(f"/api/v1/characteristics/{created['id']}")["value"] == "300"


def test_deleting_a_characteristic_in_use_says_what_uses_it(
    admin_page: Page,
    catalog_api: CatalogApi,
    consumer_drained: Callable[[str], None],
    unique: str,
) -> None:
    name = f"Used {unique}"
    characteristic = catalog_api.characteristic(name)
    catalog_api.specification(f"User of {unique}", [characteristic["id"]])
    consumer_drained("characteristic.specifications")  # the characteristic service has heard
    page = admin_page
    page.goto(f"/viewer?name={name.replace(' ', '+')}")

    page.get_by_role("button", name=f"Delete {name}").click()
    confirm = page.get_by_role("alertdialog", name=f"Delete characteristic “{name}”?")
    confirm.get_by_role("button", name="Delete", exact=True).click()

    expect(confirm.get_by_role("alert")).to_contain_text(f"“{name}” is in use")
    failure = confirm.get_by_test_id("write-failure")
    expect(failure).to_contain_text("is used by")
    expect(failure).to_contain_text(f"User of {unique}")
    confirm.get_by_role("button", name="Close", exact=True).first.click()
    expect(confirm).to_have_count(0)
    expect(row(page, name)).to_be_visible()


def test_a_user_sees_no_write_action(page: Page, catalog_api: CatalogApi, unique: str) -> None:
    characteristic = catalog_api.characteristic(f"Seen {unique}")
    specification = catalog_api.specification(f"Seen {unique}", [characteristic["id"]])
    price = catalog_api.price(f"Seen {unique}")
    catalog_api.published_offering(f"Seen {unique}", specification["id"], price["id"])
    page.goto("/login")
    sign_in(page, "user", "user")

    for tab in ("characteristics", "specifications", "prices", "offerings"):
        page.goto(f"/viewer?tab={tab}&name=Seen+{unique}")
        expect(row(page, f"Seen {unique}")).to_be_visible()
        for action in ("Edit", "Delete", "Publish", "Retire"):
            expect(page.get_by_role("button", name=re.compile(f"^{action} "))).to_have_count(0)
    expect(page.get_by_role("button", name=f"Details of Seen {unique}")).to_be_visible()


def test_an_admin_retires_a_published_offering_after_looking_at_it(
    admin_page: Page, catalog_api: CatalogApi, unique: str
) -> None:
    characteristic = catalog_api.characteristic(f"Retiring speed {unique}")
    specification = catalog_api.specification(f"Retiring spec {unique}", [characteristic["id"]])
    price = catalog_api.price(f"Retiring price {unique}")
    name = f"Retiring {unique}"
    catalog_api.published_offering(name, specification["id"], price["id"])
    page = admin_page
    page.goto("/viewer?tab=offerings&status=PUBLISHED")
    filter_by_name(page, name)
    offering = row(page, name)
    expect(offering.get_by_test_id("lifecycle-status")).to_have_text("PUBLISHED")
    expect(offering.get_by_role("button", name=f"Edit {name}")).to_have_count(0)

    offering.get_by_role("button", name=f"Details of {name}").click()
    details = page.get_by_role("dialog", name=f"Offering “{name}”")
    expect(details.get_by_text(f"Retiring spec {unique}")).to_be_visible()
    characteristics = details.get_by_role("list", name=f"Characteristics of Retiring spec {unique}")
    expect(characteristics).to_contain_text(f"Retiring speed {unique}100 Mbps")
    expect(details).to_contain_text(f"Retiring price {unique}")
    expect(details).to_contain_text("29.90 EUR per month")
    page.keyboard.press("Escape")
    expect(details).to_have_count(0)

    offering.get_by_role("button", name=f"Retire {name}").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Retire", exact=True).click()

    expect(page.get_by_text(f"“{name}” is retired")).to_be_visible()
    # Filtered to PUBLISHED, it is gone from the list; among the retired it is there.
    expect(offering).to_have_count(0)
    page.get_by_role("combobox", name="Status").select_option("RETIRED")
    expect(row(page, name).get_by_test_id("lifecycle-status")).to_have_text("RETIRED")
    assert catalog_api.offering_named(name)["lifecycleStatus"] == "RETIRED"
