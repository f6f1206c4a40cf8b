"""The umbrella's dependency declarations stay honest and switchable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

# Each infrastructure part of the architecture and the values flag that installs it.
INFRASTRUCTURE_FLAGS = {
    "postgres",
    "rabbitmq",
    "mongodb",
    "elasticsearch",
    "camunda",
    "zipkin",
    "elk",
    "grafana",
}


def chart_yaml(charts_dir: Path, chart: str) -> dict[str, Any]:
    metadata: dict[str, Any] = yaml.safe_load((charts_dir / chart / "Chart.yaml").read_text())
    return metadata


def flag_of(dependency: dict[str, Any]) -> str:
    return str(dependency.get("alias") or dependency["name"])


def test_every_dependency_but_the_library_has_an_enabled_condition(charts_dir: Path) -> None:
    for dependency in chart_yaml(charts_dir, "catalog")["dependencies"]:
        if dependency["name"] == "catalog-lib":
            continue
        assert dependency["condition"] == f"{flag_of(dependency)}.enabled", dependency["name"]


def test_every_infrastructure_part_has_its_flag(charts_dir: Path) -> None:
    flags = {flag_of(d) for d in chart_yaml(charts_dir, "catalog")["dependencies"]}

    assert flags >= INFRASTRUCTURE_FLAGS


def test_upstream_dependencies_are_disabled_by_default_and_come_from_their_projects(
    charts_dir: Path,
) -> None:
    values = yaml.safe_load((charts_dir / "catalog" / "values.yaml").read_text())
    for dependency in chart_yaml(charts_dir, "catalog")["dependencies"]:
        repository = dependency["repository"]
        if repository.startswith("file://"):
            assert (charts_dir / repository.removeprefix("file://../")).is_dir()
            continue
        assert repository.startswith(("https://", "oci://")), repository
        assert "bitnami" not in repository
        assert re.match(r"^>=\d+\.\d+\.\d+ <\d+\.\d+\.\d+$", dependency["version"])
        # Nothing here can download them, and a release must opt in to each.
        assert values[flag_of(dependency)]["enabled"] is False, flag_of(dependency)


def test_service_charts_use_the_library_from_this_repository(
    charts_dir: Path, service_chart: str
) -> None:
    (library,) = chart_yaml(charts_dir, service_chart)["dependencies"]

    assert library["repository"] == "file://../catalog-lib"
    assert library["version"] == chart_yaml(charts_dir, "catalog-lib")["version"]
    assert chart_yaml(charts_dir, "catalog-lib")["type"] == "library"


def test_the_umbrella_installs_every_service_chart_by_default(
    charts_dir: Path, service_chart: str
) -> None:
    values = yaml.safe_load((charts_dir / "catalog" / "values.yaml").read_text())
    dependencies = {d["name"]: d for d in chart_yaml(charts_dir, "catalog")["dependencies"]}

    dependency = dependencies[service_chart]
    assert dependency["repository"] == f"file://../{service_chart}"
    assert dependency["version"] == chart_yaml(charts_dir, service_chart)["version"]
    assert values[service_chart]["enabled"] is True


def test_built_umbrella_vendors_exactly_its_own_charts(built_charts: Path) -> None:
    statuses = helm.dependency_list(built_charts / "catalog")

    assert {d["name"]: d["status"] for d in statuses} == {
        "catalog-lib": "ok",
        "catalog-operator": "ok",
        "identity": "ok",
        "characteristic": "ok",
        "specification": "ok",
        "pricing": "ok",
        "offering": "ok",
        "store": "ok",
        "frontend": "ok",
        "rabbitmq-cluster": "ok",
        "mongodb-replicaset": "ok",
    }


def undocumented_keys(values_yaml: str) -> list[str]:
    """Keys with neither their own `# --` comment nor a documented ancestor (helm-docs)."""
    lines = values_yaml.splitlines()
    documented_ancestors: list[tuple[int, bool]] = []  # (indent, documented)
    missing: list[str] = []
    for number, line in enumerate(lines):
        key = re.match(r"^(\s*)([\w-]+):", line)
        if not key:
            continue
        indent = len(key.group(1))
        while documented_ancestors and documented_ancestors[-1][0] >= indent:
            documented_ancestors.pop()
        comment_block: list[str] = []
        for previous in reversed(lines[:number]):
            if not previous.strip().startswith("#"):
                break
            comment_block.insert(0, previous.strip())
        documented = bool(comment_block) and any(c.startswith("# --") for c in comment_block)
        inherited = any(flag for _, flag in documented_ancestors)
        if not documented and not inherited and not line.rstrip().endswith(":"):
            missing.append(f"{number + 1}: {line.strip()}")
        documented_ancestors.append((indent, documented or inherited))
    return missing


def test_every_value_is_documented(charts_dir: Path) -> None:
    values_files = sorted(charts_dir.glob("*/values.yaml"))

    assert {
        "catalog",
        "identity",
        "characteristic",
        "specification",
        "pricing",
        "offering",
        "store",
        "frontend",
    } <= {values_file.parent.name for values_file in values_files}
    for values_file in values_files:
        assert undocumented_keys(values_file.read_text()) == [], values_file.parent.name


def test_an_undocumented_value_is_noticed() -> None:
    values_yaml = "image:\n  # -- documented\n  tag: x\n  pullPolicy: Always\n"

    assert undocumented_keys(values_yaml) == ["4: pullPolicy: Always"]
