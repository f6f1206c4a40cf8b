"""The root conftest.py's skip policy: with CI=true a skip that tests/allowed-skips.txt does
not list fails; elsewhere skips stay skips. Each case runs pytest on a throwaway project
that has a copy of the real conftest.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

TESTS = """\
import pytest

def test_runs():
    pass

def test_skips():
    pytest.skip("no widget here")

@pytest.mark.skipif(True, reason="never on this machine")
def test_skip_mark():
    pass

@pytest.mark.xfail(reason="known bug 42")
def test_known_bug():
    assert False

@pytest.mark.parametrize("n", [1, 2])
def test_each(n):
    pytest.skip(f"number {n}")
"""


def run_pytest(project: Path, *, ci: bool, allowed: str = "") -> subprocess.CompletedProcess[str]:
    shutil.copy(REPO / "conftest.py", project / "conftest.py")
    (project / "tests").mkdir(exist_ok=True)
    (project / "tests" / "allowed-skips.txt").write_text(textwrap.dedent(allowed))
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:asyncio",
            "-rA",
            "--rootdir=.",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "test_sample.py").write_text(TESTS)
    return tmp_path


def test_outside_ci_skips_stay_skips(project: Path) -> None:
    result = run_pytest(project, ci=False)

    assert result.returncode == 0, result.stdout
    assert "1 passed, 4 skipped, 1 xfailed" in result.stdout


def test_in_ci_every_unlisted_skip_fails_naming_the_test_and_the_reason(project: Path) -> None:
    result = run_pytest(project, ci=True)

    assert result.returncode == 1, result.stdout
    # A skip mark skips in setup, so its failure is an error; the others fail in the call.
    assert "4 failed, 1 passed, 1 error" in result.stdout
    for reason in ("no widget here", "never on this machine", "xfail: known bug 42"):
        assert f"tests/allowed-skips.txt does not allow it: {reason}" in result.stdout
    assert "`test_sample.py::test_skips | <why it may skip>`" in result.stdout


def test_in_ci_a_listed_skip_stays_a_skip(project: Path) -> None:
    allowed = """\
        # comment lines and blank lines are fine

        test_sample.py::test_skips | the widget is optional
        test_sample.py::test_skip_mark | only some machines have it
        test_sample.py::test_known_bug | bug 42, fixed upstream in 2.0
        test_sample.py::test_each | a node id without parameters covers them all
    """
    result = run_pytest(project, ci=True, allowed=allowed)

    assert result.returncode == 0, result.stdout
    assert "1 passed, 4 skipped, 1 xfailed" in result.stdout


def test_in_ci_listing_one_parametrization_leaves_the_others_failing(project: Path) -> None:
    allowed = """\
        test_sample.py::test_skips | the widget is optional
        test_sample.py::test_skip_mark | only some machines have it
        test_sample.py::test_known_bug | bug 42
        test_sample.py::test_each[1] | only the first
    """
    result = run_pytest(project, ci=True, allowed=allowed)

    assert result.returncode == 1
    assert "FAILED test_sample.py::test_each[2]" in result.stdout
    assert "SKIPPED [1] test_sample.py" in result.stdout
    assert "1 failed, 1 passed, 3 skipped, 1 xfailed" in result.stdout


def test_in_ci_an_unlisted_module_level_skip_is_a_collection_error(project: Path) -> None:
    (project / "test_module_skip.py").write_text(
        'import pytest\npytest.skip("whole module", allow_module_level=True)\n'
    )
    result = run_pytest(project, ci=True)

    assert result.returncode == 2, result.stdout
    assert "ERROR test_module_skip.py" in result.stdout
    assert "does not allow it: whole module" in result.stdout


@pytest.mark.parametrize("line", ["test_sample.py::test_skips", "test_sample.py::test_skips |"])
def test_a_line_without_a_reason_is_a_usage_error(project: Path, line: str) -> None:
    result = run_pytest(project, ci=False, allowed=line + "\n")

    assert result.returncode == 4
    assert "allowed-skips.txt:1: expected `<node id> | <reason>`" in result.stderr
