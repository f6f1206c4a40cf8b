"""`helm lint --strict` on every chart, with its defaults and each of its ci/ values files."""

from __future__ import annotations

import shutil
from pathlib import Path

import helm_python as helm
import pytest
import yaml

CHARTS = ("catalog-lib", "identity", "catalog", "rabbitmq-cluster", "mongodb-replicaset")
KUBE_VERSIONS = ("v1.30.0", "v1.33.0")


def lint_cases() -> list[object]:
    charts_dir = Path(__file__).resolve().parents[2] / "charts"
    cases: list[object] = [pytest.param(chart, None, id=f"{chart}:defaults") for chart in CHARTS]
    for chart in CHARTS:
        for values_file in sorted((charts_dir / chart / "ci").glob("*.yaml")):
            cases.append(pytest.param(chart, values_file, id=f"{chart}:{values_file.stem}"))
    return cases


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize(("chart", "values_file"), lint_cases())
def test_chart_lints_clean_in_strict_mode(
    built_charts: Path, chart: str, values_file: Path | None, kube_version: str
) -> None:
    values = yaml.safe_load(values_file.read_text()) if values_file else None

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
