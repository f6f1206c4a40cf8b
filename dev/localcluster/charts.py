"""The charts, packaged offline for `helm install`.

The umbrella declares upstream infrastructure charts (CloudNativePG, ECK, …) that cannot be
downloaded here, and `helm install` refuses a chart whose declared dependencies are missing.
A copy of charts/ keeps only the umbrella's file:// dependencies (every upstream one is
disabled in the local cluster) and `helm dependency update` packages them, leaves first —
as tests/charts does for rendering.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from dev.localplatform.buildcache import cache_root
from dev.localplatform.paths import REPO_ROOT

from . import kube

CHARTS = REPO_ROOT / "charts"
UMBRELLA = "catalog"


def package_dir() -> Path:
    return cache_root() / "charts"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


def vendored_only(chart: dict[str, Any]) -> dict[str, Any]:
    dependencies = [
        dependency
        for dependency in chart.get("dependencies", [])
        if str(dependency["repository"]).startswith("file://")
    ]
    return {**chart, "dependencies": dependencies}


def package() -> Path:
    """A fresh copy of charts/ with every dependency packaged; returns its directory."""
    target = package_dir()
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(CHARTS, target, ignore=shutil.ignore_patterns("charts", "Chart.lock"))
    umbrella = target / UMBRELLA / "Chart.yaml"
    umbrella.write_text(yaml.safe_dump(vendored_only(_load(umbrella)), sort_keys=False))
    with_dependencies = [
        path.parent
        for path in sorted(target.glob("*/Chart.yaml"))
        if _load(path).get("dependencies") and path.parent.name != UMBRELLA
    ]
    for chart in [*with_dependencies, target / UMBRELLA]:
        kube.helm("dependency", "update", "--skip-refresh", str(chart), timeout=300)
    return target
