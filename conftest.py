"""Gives every test the local platform's settings from .local/platform.env, and in CI turns
every skip that tests/allowed-skips.txt does not list into a failure.

Variables already set in the environment win, so CI or a developer can point tests elsewhere.

Skips in CI: a skipped test is a test that did not run, and a green CI run must not hide it.
With ``CI=true`` a skip (``pytest.skip``, a skip/skipif mark, an xfail, a module-level skip)
fails unless its node id is in tests/allowed-skips.txt with a reason. Done here, in pytest's
own reports, rather than afterwards from the junit files: it holds for every way pytest is
started (dev/run_tests.py, plain ``pytest``, an IDE), the failure carries the node id and the
skip's reason, and pytest's exit code, its summary and the junit report all agree on it.
"""

import os
from collections.abc import Generator
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parent
_PLATFORM_ENV = _ROOT / ".local" / "platform.env"
ALLOWED_SKIPS_FILE = _ROOT / "tests" / "allowed-skips.txt"
_ALLOWED_SKIPS = pytest.StashKey[dict[str, str]]()


def _load_platform_env() -> None:
    if not _PLATFORM_ENV.is_file():
        return
    for line in _PLATFORM_ENV.read_text().splitlines():
        key, separator, value = line.partition("=")
        if separator and key.strip() and not key.lstrip().startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


_load_platform_env()


# ---------------------------------------------------------------------------------------------
# No silent skips in CI


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def read_allowed_skips(path: Path) -> dict[str, str]:
    """``<node id> | <reason>`` per line (``#`` starts a comment); node id -> reason."""
    allowed: dict[str, str] = {}
    if not path.is_file():
        return allowed
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        node_id, separator, reason = (part.strip() for part in line.partition("|"))
        if not separator or not node_id or not reason:
            raise pytest.UsageError(
                f"{path}:{number}: expected `<node id> | <reason>`, got {line!r}"
            )
        allowed[node_id] = reason
    return allowed


def skip_allowed(node_id: str, allowed: dict[str, str]) -> bool:
    """Listed as it is, or (for a parametrized test) without its parameters."""
    return node_id in allowed or node_id.partition("[")[0] in allowed


def pytest_configure(config: pytest.Config) -> None:
    # Read (and checked) on every run, so that a malformed line shows up locally too.
    config.stash[_ALLOWED_SKIPS] = read_allowed_skips(ALLOWED_SKIPS_FILE)


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    if hasattr(report, "wasxfail"):
        return f"xfail: {report.wasxfail}"
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _fail_unlisted_skip(
    config: pytest.Config, report: pytest.TestReport | pytest.CollectReport
) -> None:
    if not (report.skipped and in_ci()):
        return
    if skip_allowed(report.nodeid, config.stash[_ALLOWED_SKIPS]):
        return
    reason = _skip_reason(report)
    relative = ALLOWED_SKIPS_FILE.relative_to(_ROOT)
    report.outcome = "failed"
    report.longrepr = (
        f"skipped in CI, and {relative} does not allow it: {reason}\n"
        f"Make the test run, or add the line `{report.nodeid} | <why it may skip>` to {relative}."
    )
    if hasattr(report, "wasxfail"):
        del report.wasxfail  # else pytest and the junit report still take it for an xfail


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    _fail_unlisted_skip(item.config, report)
    return report


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    # A module-level skip: in CI it becomes a collection error (loud, like an import error).
    report = yield
    _fail_unlisted_skip(collector.config, report)
    return report
