"""`helm lint --strict` on every chart, with its defaults and each of its ci/ values files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest

KUBE_VERSIONS = ("v1.30.0", "v1.33.0")


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
def test_chart_lints_clean_in_strict_mode(
    built_charts: Path, chart_case: tuple[str, dict[str, Any] | None], kube_version: str
) -> None:
    chart, values = chart_case

    report = helm.lint(built_charts / chart, values, strict=True, kube_version=kube_version)

    assert report["errors"] == []
    warnings = [m["error"] for m in report["messages"] if m["severity"] >= 2]
    assert warnings == []


def test_lint_reports_a_declared_dependency_missing_from_the_chart(
    tmp_path: Path, charts_dir: Path
) -> None:
    # Why the tests build charts first: the upstream dependencies are absent here and Helm
    # refuses a chart whose declared dependencies are not in charts/.
    umbrella = tmp_path / "catalog"
    shutil.copytree(
        charts_dir / "catalog", umbrella, ignore=shutil.ignore_patterns("charts", "Chart.lock")
    )

    report = helm.lint(umbrella, strict=True)

    assert any("missing these dependencies" in error for error in report["errors"])
