"""Render the Helm charts offline with the Helm SDK (helm-python-sdk) and parse the output.

The umbrella declares upstream infrastructure charts that cannot be downloaded here. Helm's
template engine skips a declared-but-absent dependency, but `helm lint` reports it and
`helm install`/`helm template` refuse to run (they check every declared dependency is in
charts/). So the tests work on a copy of charts/ where the umbrella keeps only its file://
dependencies (all infrastructure is disabled by default) and `helm dependency update` packages
those, exactly as a release build would.
"""

from __future__ import annotations

import copy
import json
import shutil
import tomllib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHARTS = REPO / "charts"
SERVICES = REPO / "services"
SCHEMAS = Path(__file__).parent / "schemas"

RELEASE = "catalog"
NAMESPACE = "catalog"
UMBRELLA = "catalog"
LIBRARY = "catalog-lib"

Manifest = dict[str, Any]
Render = Callable[..., list[Manifest]]


def is_vendored(dependency: dict[str, Any]) -> bool:
    return str(dependency["repository"]).startswith("file://")


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def chart_metadata(chart: str) -> dict[str, Any]:
    metadata: dict[str, Any] = load_yaml(CHARTS / chart / "Chart.yaml")
    return metadata


# Every chart in charts/, so a new one is linted, rendered and checked without being listed.
ALL_CHARTS = tuple(sorted(path.parent.name for path in CHARTS.glob("*/Chart.yaml")))
# The charts the tests render; the library chart is rendered through them.
APPLICATION_CHARTS = tuple(c for c in ALL_CHARTS if chart_metadata(c).get("type") != "library")
# The charts built on the library: the service charts and the web UI's.
LIBRARY_CHARTS = tuple(
    chart
    for chart in APPLICATION_CHARTS
    if chart != UMBRELLA
    and LIBRARY in {d["name"] for d in chart_metadata(chart).get("dependencies", [])}
)
# The service charts: thin charts on the library, one per service of services/.
SERVICE_CHARTS = tuple(chart for chart in LIBRARY_CHARTS if (SERVICES / chart).is_dir())
# The web UI's chart (frontend/, a Next.js server): on the library, but no service of services/.
FRONTEND = "frontend"


def service_catalog(chart: str) -> dict[str, Any]:
    """The [tool.catalog] table of the chart's service (its port, processes, what it needs)."""
    pyproject = tomllib.loads((SERVICES / chart / "pyproject.toml").read_text())
    table: dict[str, Any] = pyproject["tool"]["catalog"]
    return table


# The service charts whose service runs saga steps on the process engine (`camunda = true`).
ENGINE_CHARTS = tuple(
    chart for chart in SERVICE_CHARTS if service_catalog(chart).get("camunda", False)
)


# The service charts whose service runs worker processes (relay, consumers, saga worker) beside
# its API; each one's worker Deployments serve metrics and liveness (`workerMetrics`).
WORKER_CHARTS = tuple(
    chart for chart in SERVICE_CHARTS if set(service_catalog(chart).get("processes", {})) - {"api"}
)


def keep_only_vendored_dependencies(chart_yaml: Path) -> None:
    chart = load_yaml(chart_yaml)
    chart["dependencies"] = [d for d in chart.get("dependencies", []) if is_vendored(d)]
    chart_yaml.write_text(yaml.safe_dump(chart, sort_keys=False))


@pytest.fixture(scope="session")
def built_charts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of charts/ with every chart's dependencies packaged into its charts/ dir."""
    workdir = tmp_path_factory.mktemp("charts")
    shutil.copytree(
        CHARTS, workdir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("charts", "Chart.lock")
    )
    keep_only_vendored_dependencies(workdir / "catalog" / "Chart.yaml")
    # Leaves first: the umbrella packages each service chart together with its library.
    for chart in (*LIBRARY_CHARTS, UMBRELLA):
        helm.dependency_update(workdir / chart)
    return workdir


@pytest.fixture
def loaded_charts(built_charts: Path) -> Iterator[dict[str, helm.Chart]]:
    """Freshly loaded charts. Not shared between renders: rendering prunes the disabled
    dependencies from the loaded chart, so a chart object is only good for one render."""
    charts = {name: helm.Chart.load(built_charts / name) for name in APPLICATION_CHARTS}
    yield charts
    for chart in charts.values():
        chart.close()


def parse_manifests(rendered: dict[str, str]) -> list[Manifest]:
    manifests: list[Manifest] = []
    for path, text in sorted(rendered.items()):
        if path.endswith("NOTES.txt"):
            continue
        for document in yaml.safe_load_all(text):
            if document:
                document.setdefault("metadata", {}).setdefault("annotations", {})
                manifests.append({**document, "_source": path})
    return manifests


@pytest.fixture(scope="session")
def render(built_charts: Path) -> Render:
    """render(chart, values=None) -> manifests, each with its template path in `_source`."""

    upstream_flags = {
        str(d.get("alias") or d["name"])
        for d in chart_metadata(UMBRELLA)["dependencies"]
        if not is_vendored(d)
    }

    # Tests render the same chart with the same values again and again (658 renders, 217
    # different ones): each is rendered once per test process and handed out as a copy.
    rendered: dict[tuple[str, str], list[Manifest]] = {}

    def _render(chart: str, values: dict[str, Any] | None = None) -> list[Manifest]:
        key = (chart, json.dumps(values, sort_keys=True))
        if key not in rendered:
            rendered[key] = _render_once(chart, values)
        return copy.deepcopy(rendered[key])

    def _render_once(chart: str, values: dict[str, Any] | None) -> list[Manifest]:
        if chart == UMBRELLA:
            # Helm's engine silently skips an absent dependency: refuse instead of passing.
            enabled = {f for f in upstream_flags if (values or {}).get(f, {}).get("enabled")}
            assert not enabled, f"upstream charts {enabled} cannot be rendered offline"
        # A fresh load per render: rendering prunes disabled dependencies from the chart.
        with helm.Chart.load(built_charts / chart) as loaded:
            rendered = loaded.render(
                values=values, name=RELEASE, namespace=NAMESPACE, is_install=True
            )
        return parse_manifests(rendered)

    return _render


def ci_values_files(charts: tuple[str, ...]) -> list[Path]:
    return sorted(path for chart in charts for path in (CHARTS / chart / "ci").glob("*.yaml"))


def chart_of(values_file: Path) -> str:
    return values_file.parent.parent.name


def case_id(values_file: Path) -> str:
    return f"{chart_of(values_file)}:{values_file.stem}"


def chart_cases(charts: tuple[str, ...]) -> list[Any]:
    """Every chart with its defaults and with each of its ci/ values files."""
    cases = [pytest.param((chart, None), id=f"{chart}:defaults") for chart in charts]
    cases += [
        pytest.param((chart_of(path), path), id=case_id(path)) for path in ci_values_files(charts)
    ]
    return cases


@pytest.fixture(params=chart_cases(APPLICATION_CHARTS))
def rendered_case(request: pytest.FixtureRequest, render: Render) -> list[Manifest]:
    chart, values_file = request.param
    values = load_yaml(values_file) if values_file else None
    return render(chart, values)


@pytest.fixture(params=chart_cases(ALL_CHARTS))
def chart_case(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any] | None]:
    """(chart, values) of every chart, the library included, for checks that need no render."""
    chart, values_file = request.param
    return chart, load_yaml(values_file) if values_file else None


@pytest.fixture(params=SERVICE_CHARTS)
def service_chart(request: pytest.FixtureRequest) -> str:
    """The name of each service chart in turn."""
    chart: str = request.param
    return chart


@pytest.fixture(params=ENGINE_CHARTS)
def engine_chart(request: pytest.FixtureRequest) -> str:
    """Each service chart whose service talks to the process engine, in turn."""
    chart: str = request.param
    return chart


@pytest.fixture(params=WORKER_CHARTS)
def worker_chart(request: pytest.FixtureRequest) -> str:
    """Each service chart whose service runs worker processes, in turn."""
    chart: str = request.param
    return chart


class Manifests:
    """Queries over rendered manifests, shared by the test modules (as the `k8s` fixture)."""

    @staticmethod
    def without_source(manifest: Manifest) -> Manifest:
        """The manifest as Kubernetes would receive it."""
        document = {key: value for key, value in manifest.items() if key != "_source"}
        if not document["metadata"]["annotations"]:
            document["metadata"] = {
                key: value for key, value in document["metadata"].items() if key != "annotations"
            }
        return document

    @staticmethod
    def pod_specs(manifests: list[Manifest]) -> Iterator[tuple[Manifest, dict[str, Any]]]:
        """Every pod spec the manifests would run (Deployments, DaemonSets, StatefulSets,
        Jobs, bare Pods)."""
        for manifest in manifests:
            if manifest["kind"] in ("Deployment", "DaemonSet", "StatefulSet", "Job"):
                yield manifest, manifest["spec"]["template"]["spec"]
            elif manifest["kind"] == "Pod":
                yield manifest, manifest["spec"]

    @staticmethod
    def containers_of(pod_spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [*pod_spec.get("initContainers", []), *pod_spec["containers"]]

    @staticmethod
    def env_of(container: dict[str, Any]) -> dict[str, Any]:
        """A container's env entries by variable name."""
        return {variable["name"]: variable for variable in container.get("env", [])}

    @staticmethod
    def by_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
        return [manifest for manifest in manifests if manifest["kind"] == kind]

    @staticmethod
    def named(manifests: list[Manifest], kind: str, name: str) -> Manifest:
        matches = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
        assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
        return matches[0]

    @staticmethod
    def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
        """JSON schemas of the custom resources the charts render, by (apiVersion, kind)."""
        schemas: dict[tuple[str, str], dict[str, Any]] = {}
        for path in SCHEMAS.glob("*.json"):
            schema = json.loads(path.read_text())
            properties = schema["properties"]
            schemas[(properties["apiVersion"]["const"], properties["kind"]["const"])] = schema
        return schemas


@pytest.fixture(scope="session")
def k8s() -> Manifests:
    return Manifests()


@pytest.fixture(scope="session")
def charts_dir() -> Path:
    """The charts/ directory of the repository (read only)."""
    return CHARTS


@pytest.fixture(scope="session")
def route_table() -> dict[str, Any]:
    """The edge route table shared with the local nginx edge."""
    table: dict[str, Any] = load_yaml(CHARTS / "catalog" / "files" / "routes.yaml")
    return table


def peer_url_cases(peers: Iterable[str]) -> list[Any]:
    """Per peer of a service chart: the chart's own value wins, then the umbrella's
    (templated), then the release's own Service — as (peer, values, expected URL)."""
    cases = []
    for peer in peers:
        cases += [
            pytest.param(
                peer, None, f"http://catalog-{peer}", id=f"{peer}: the release's own Service"
            ),
            pytest.param(
                peer,
                {"global": {"serviceUrls": {peer: "http://{{ .Release.Name }}-x"}}},
                "http://catalog-x",
                id=f"{peer}: the umbrella's global value, templated",
            ),
            pytest.param(
                peer,
                {
                    "global": {"serviceUrls": {peer: "http://global.example"}},
                    peer: {"url": "http://own.example"},
                },
                "http://own.example",
                id=f"{peer}: the chart's own value first",
            ),
        ]
    return cases
