"""Driving the web UI in a real Chromium (Debian's, not a downloaded one) through the edge:
what the end-to-end tests (tests/ui) and the screenshot script share."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_SCRIPT = REPO / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
# What an accessibility check fails on; minor and moderate findings are printed only.
BLOCKING_IMPACTS = ("serious", "critical")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def edge_url() -> str:
    return os.environ.get("EDGE_URL", "http://127.0.0.1:8080")


@contextmanager
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        raise RuntimeError(f"{CHROMIUM} is missing: `make up` installs Debian's chromium")
    playwright: Playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Page, username: str, password: str) -> None:
    """Signs in through the login form (on it already, or from the start)."""
    if "/login" not in page.url:
        page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("current-user")).to_contain_text(username)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Runs axe-core (from the frontend's node_modules) on the page as it is now."""
    if not AXE_SCRIPT.is_file():
        raise RuntimeError(f"{AXE_SCRIPT} is missing: `make up` installs the frontend's packages")
    page.add_script_tag(content=AXE_SCRIPT.read_text())
    result = page.evaluate(
        "tags => axe.run(document, { runOnly: { type: 'tag', values: tags } })", AXE_TAGS
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [json.dumps(node["target"]) for node in violation["nodes"][:5]]
        where = ", ".join(targets)
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} -> {where}")
    return "\n".join(lines)
