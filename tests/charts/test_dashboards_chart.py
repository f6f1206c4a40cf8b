"""The umbrella ships the platform's Grafana dashboards (files/dashboards, a link to
observability/grafana/dashboards) as ConfigMaps for Grafana's dashboard sidecar."""

from __future__ import annotations

import json
from typing import Any

import yaml

from .conftest import CHARTS, RELEASE

DASHBOARDS = CHARTS / "catalog" / "files" / "dashboards"
SIDECAR_LABEL = "grafana_dashboard"


def dashboard_config_maps(manifests: list[Any], k8s: Any) -> list[Any]:
    return [
        m
        for m in k8s.by_kind(manifests, "ConfigMap")
        if m["_source"].endswith("templates/dashboards.yaml")
    ]


def test_every_dashboard_file_is_a_config_map_the_sidecar_loads(render: Any, k8s: Any) -> None:
    files = sorted(DASHBOARDS.glob("*.json"))
    assert files, "files/dashboards holds no dashboards (run dev/dashboards.py)"

    config_maps = dashboard_config_maps(render("catalog"), k8s)

    assert sorted(m["metadata"]["name"] for m in config_maps) == sorted(
        f"{RELEASE}-dashboard-{path.stem}" for path in files
    )
    for path in files:
        config_map = k8s.named(config_maps, "ConfigMap", f"{RELEASE}-dashboard-{path.stem}")
        labels = config_map["metadata"]["labels"]
        assert labels[SIDECAR_LABEL] == "1"
        assert labels["app.kubernetes.io/instance"] == RELEASE
        assert list(config_map["data"]) == [path.name]
        dashboard = json.loads(config_map["data"][path.name])
        assert dashboard == json.loads(path.read_text())


def test_the_dashboards_can_be_left_out(render: Any, k8s: Any) -> None:
    manifests = render("catalog", {"dashboards": {"enabled": False}})

    assert dashboard_config_maps(manifests, k8s) == []
    assert not [
        m for m in k8s.by_kind(manifests, "ConfigMap") if SIDECAR_LABEL in m["metadata"]["labels"]
    ]


def test_the_grafana_sidecar_looks_for_the_dashboards_label(charts_dir: Any) -> None:
    values = yaml.safe_load((charts_dir / "catalog" / "values.yaml").read_text())

    assert values["grafana"]["sidecar"]["dashboards"] == {
        "enabled": True,
        "label": SIDECAR_LABEL,
    }
    assert values["dashboards"]["enabled"] is True
