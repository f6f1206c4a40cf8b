"""The platform's Grafana dashboards: `uv run python dev/dashboards.py [--check]`.

Writes observability/grafana/dashboards/*.json (shipped by the umbrella chart as ConfigMaps
for Grafana's dashboard sidecar, through charts/catalog/files/dashboards): a platform
overview, one dashboard per service (its API's RED per route template and its workers'
metrics, after the processes of its `[tool.catalog.processes]`), the publication saga and the
store's read model. The queries use only metrics the services export and the recording rules
of observability/prometheus/rules.yml; tests/platform/test_dashboards.py runs every one of
them against the local Prometheus. `--check` writes nothing and exits 1 when the committed
files differ from what this script generates.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dev.localplatform.discovery import ServiceSpec, discover_services
from dev.localplatform.paths import REPO_ROOT

DASHBOARDS_DIR = REPO_ROOT / "observability" / "grafana" / "dashboards"
SCHEMA_VERSION = 39
TAGS = ["catalog"]
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
GRID_WIDTH = 24
RATE = "$__rate_interval"

Panel = dict[str, Any]
Dashboard = dict[str, Any]


# ---------------------------------------------------------------------------------------------
# building blocks


def target(expr: str, legend: str = "__auto") -> dict[str, Any]:
    return {"datasource": DATASOURCE, "expr": expr, "legendFormat": legend}


def panel(
    kind: str,
    title: str,
    targets: Iterable[dict[str, Any]],
    *,
    unit: str = "short",
    description: str = "",
    width: int = 12,
    height: int = 8,
    options: dict[str, Any] | None = None,
    custom: dict[str, Any] | None = None,
) -> Panel:
    """A panel of `kind`; its id and position are set when the dashboard is laid out."""
    defaults: dict[str, Any] = {"unit": unit}
    if custom:
        defaults["custom"] = custom
    return {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "gridPos": {"h": height, "w": width, "x": 0, "y": 0},
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": options or {},
        "targets": [{**each, "refId": chr(ord("A") + index)} for index, each in enumerate(targets)],
    }


def timeseries(title: str, *targets: dict[str, Any], unit: str = "short", **kw: Any) -> Panel:
    return panel(
        "timeseries",
        title,
        targets,
        unit=unit,
        options={
            "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
            "tooltip": {"mode": "multi", "sort": "desc"},
        },
        custom={"drawStyle": "line", "fillOpacity": 10, "lineWidth": 1, "showPoints": "never"},
        **kw,
    )


def stat(title: str, expr: str, unit: str = "short", **kw: Any) -> Panel:
    return panel(
        "stat",
        title,
        [target(expr, title)],
        unit=unit,
        width=kw.pop("width", 6),
        height=kw.pop("height", 4),
        options={
            "colorMode": "value",
            "graphMode": "area",
            "justifyMode": "auto",
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "textMode": "auto",
        },
        **kw,
    )


def query_variable(name: str, label: str, query: str) -> dict[str, Any]:
    """A multi-value variable over a label's values; "All" matches everything (`=~".*"`)."""
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DATASOURCE,
        "query": {"query": query, "refId": f"{name}-values"},
        "definition": query,
        "refresh": 2,
        "sort": 1,
        "multi": True,
        "includeAll": True,
        "allValue": ".*",
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "options": [],
    }


def layout(panels: list[Panel]) -> list[Panel]:
    """Ids in order, and positions flowing left to right, wrapping at the grid's width."""
    x = y = row_height = 0
    for number, each in enumerate(panels, start=1):
        grid = each["gridPos"]
        if x + grid["w"] > GRID_WIDTH:
            x, y, row_height = 0, y + row_height, 0
        grid["x"], grid["y"] = x, y
        x += grid["w"]
        row_height = max(row_height, grid["h"])
        each["id"] = number
    return panels


def dashboard(
    uid: str,
    title: str,
    description: str,
    panels: list[Panel],
    variables: Iterable[dict[str, Any]] = (),
) -> Dashboard:
    datasource = {
        "name": "datasource",
        "label": "Data source",
        "type": "datasource",
        "query": "prometheus",
        "current": {},
        "hide": 0,
        "options": [],
        "refresh": 1,
        "regex": "",
    }
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": TAGS,
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "editable": True,
        "graphTooltip": 1,
        "refresh": "30s",
        "time": {"from": "now-3h", "to": "now"},
        "timezone": "browser",
        "annotations": {"list": []},
        "links": [{"type": "dashboards", "tags": TAGS, "title": "Catalog", "asDropdown": True}],
        "templating": {"list": [datasource, *variables]},
        "panels": layout(panels),
    }


def series(metric: str, selector: str) -> str:
    return f"{metric}{{{selector}}}" if selector else metric


def p(quantile: float, by: str, selector: str, histogram: str) -> str:
    """The `quantile` of `histogram`'s buckets matching `selector`, by `by` (plus le)."""
    grouping = f"{by}, le" if by else "le"
    return (
        f"histogram_quantile({quantile}, sum by ({grouping}) "
        f"(rate({series(histogram + '_bucket', selector)}[{RATE}])))"
    )


def rate(metric: str, selector: str, by: str = "") -> str:
    """The summed per-second rate of `metric` matching `selector`, by `by`."""
    grouping = f"sum by ({by}) " if by else "sum"
    return f"{grouping}(rate({series(metric, selector)}[{RATE}]))"


def ratio(numerator: str, denominator: str) -> str:
    return f"{numerator}\n/\nclamp_min({denominator}, 1e-9)"


# ---------------------------------------------------------------------------------------------
# the worker panels a service gets for the processes it runs


def outbox_panels(job: str) -> list[Panel]:
    selector = f'job="{job}"'
    return [
        timeseries(
            "Outbox: pending events",
            target(f"sum(outbox_pending_events{{{selector}}})", "pending"),
            target(f"max(outbox_pending_max_attempts{{{selector}}})", "most attempts"),
            description=f"Events the relay ({job}) has not published yet.",
        ),
        timeseries(
            "Outbox: oldest pending event",
            target(f"max(outbox_oldest_pending_age_seconds{{{selector}}})", "age"),
            unit="s",
            description="Alert CatalogOutboxBacklog fires above 60 s.",
        ),
        timeseries(
            "Outbox: published and failed",
            target(rate("outbox_events_published_total", selector), "published"),
            target(rate("outbox_publish_failures_total", selector), "failures"),
            unit="ops",
        ),
    ]


def consumer_panels(job: str) -> list[Panel]:
    selector = f'job="{job}"'
    return [
        timeseries(
            "Consumers: events by outcome",
            target(rate("consumer_events_total", selector, "consumer, outcome")),
            unit="ops",
            description="dead_lettered ones wait in the DLQ (make dlq-redrive after the fix).",
        ),
        timeseries(
            "Consumers: p99 handling duration",
            target(p(0.99, "consumer", selector, "consumer_event_duration_seconds")),
            unit="s",
        ),
    ]


def saga_worker_panels(job: str) -> list[Panel]:
    selector = f'job="{job}"'
    return [
        timeseries(
            "Saga worker: tasks by topic and outcome",
            target(rate("saga_tasks_total", selector, "topic, outcome")),
            unit="ops",
        ),
        timeseries(
            "Saga worker: p99 task duration",
            target(p(0.99, "topic", selector, "saga_task_duration_seconds")),
            unit="s",
        ),
    ]


WORKER_PANELS = {
    "relay": outbox_panels,
    "consumers": consumer_panels,
    "saga-worker": saga_worker_panels,
}


# ---------------------------------------------------------------------------------------------
# the dashboards


def platform_overview() -> Dashboard:
    return dashboard(
        "catalog-platform-overview",
        "Catalog / Platform overview",
        "Every service at a glance: the SLO recording rules, scrape targets and events.",
        [
            stat("Targets up", "sum(up)"),
            stat("Targets down", "count(up == 0) or vector(0)"),
            stat(
                "Oldest pending outbox event",
                "max(catalog:outbox_oldest_pending_age_seconds:max)",
                unit="s",
            ),
            stat(
                "Dead-lettered events (1h)",
                'sum(increase(consumer_events_total{outcome="dead_lettered"}[1h])) or vector(0)',
            ),
            timeseries(
                "Request rate by service",
                target("sum by (job) (catalog:http_requests:rate5m)", "{{job}}"),
                unit="reqps",
            ),
            timeseries(
                "5xx ratio by service",
                target("catalog:http_error_ratio:rate5m", "{{job}}"),
                unit="percentunit",
                description="Alert CatalogHighErrorRatio pages above 1%.",
            ),
            timeseries(
                "p99 latency by service",
                target("catalog:http_request_duration_seconds:p99_5m", "{{job}}"),
                unit="s",
                description="Alert CatalogSlowRequests opens a ticket above 1 s.",
            ),
            timeseries(
                "Targets up by job",
                target("sum by (job) (up)", "{{job}}"),
                description="Alert CatalogTargetDown pages when a target stops answering.",
            ),
            timeseries(
                "Outbox oldest pending age",
                target("catalog:outbox_oldest_pending_age_seconds:max", "{{job}}"),
                unit="s",
            ),
            timeseries(
                "Dead-lettered events by consumer",
                target(
                    "sum by (consumer) (increase("
                    f'consumer_events_total{{outcome="dead_lettered"}}[{RATE}]))',
                    "{{consumer}}",
                ),
                description="Redrive with make dlq-redrive after the fix.",
            ),
        ],
    )


def service_dashboard(spec: ServiceSpec) -> Dashboard:
    name = spec.name
    api = f'job="{name}", route=~"$route"'
    errors = f'job="{name}", route=~"$route", status=~"5.."'
    panels = [
        stat("Request rate", rate("http_requests_total", api), unit="reqps"),
        stat("5xx ratio", f'catalog:http_error_ratio:rate5m{{job="{name}"}}', "percentunit"),
        stat("p99 latency", f'catalog:http_request_duration_seconds:p99_5m{{job="{name}"}}', "s"),
        stat("Processes up", f'sum(up{{service="{name}"}})'),
        timeseries(
            "Request rate by route",
            target(rate("http_requests_total", api, "route"), "{{route}}"),
            unit="reqps",
        ),
        timeseries(
            "Request rate by status",
            target(rate("http_requests_total", api, "status"), "{{status}}"),
            unit="reqps",
        ),
        timeseries(
            "5xx ratio by route",
            target(
                ratio(
                    rate("http_requests_total", errors, "route"),
                    rate("http_requests_total", api, "route"),
                ),
                "{{route}}",
            ),
            unit="percentunit",
        ),
        timeseries(
            "p99 latency by route",
            target(p(0.99, "route", api, "http_request_duration_seconds"), "{{route}}"),
            unit="s",
        ),
        timeseries(
            "p50 latency by route",
            target(p(0.5, "route", api, "http_request_duration_seconds"), "{{route}}"),
            unit="s",
        ),
        timeseries(
            "Processes up",
            target(f'up{{service="{name}"}}', "{{process}}"),
        ),
    ]
    for process, worker_panels in WORKER_PANELS.items():
        if process in spec.processes:
            panels += worker_panels(f"{name}-{process}")
    workers = sorted(set(spec.processes) - {"api"})
    return dashboard(
        f"catalog-service-{name}",
        f"Catalog / Service {name}",
        f"The {name} API per route template"
        + (f", and its workers: {', '.join(workers)}." if workers else "."),
        panels,
        [
            query_variable(
                "route", "Route", f'label_values(http_requests_total{{job="{name}"}}, route)'
            )
        ],
    )


def publication_saga() -> Dashboard:
    topic = 'topic=~"$topic"'
    return dashboard(
        "catalog-publication-saga",
        "Catalog / Publication saga",
        "The publication saga's steps (external tasks) over every service's saga worker.",
        [
            stat(
                "Publications ending in failure (15m)",
                "catalog:saga_failure_ratio:rate15m",
                "percentunit",
                description="Alert CatalogPublicationsFailing above 20%.",
            ),
            stat("Task rate", rate("saga_tasks_total", topic), "ops"),
            stat(
                "Steps given up (1h)",
                'sum(increase(saga_tasks_total{outcome="gave_up"}[1h])) or vector(0)',
            ),
            stat("Saga workers up", 'sum(up{process="saga-worker"})'),
            timeseries(
                "Task rate by topic",
                target(rate("saga_tasks_total", topic, "topic"), "{{topic}}"),
                unit="ops",
            ),
            timeseries(
                "Task outcomes",
                target(rate("saga_tasks_total", topic, "topic, outcome"), "{{topic}} {{outcome}}"),
                unit="ops",
            ),
            timeseries(
                "p99 task duration by topic",
                target(p(0.99, "topic", topic, "saga_task_duration_seconds"), "{{topic}}"),
                unit="s",
            ),
            timeseries(
                "p50 task duration by topic",
                target(p(0.5, "topic", topic, "saga_task_duration_seconds"), "{{topic}}"),
                unit="s",
            ),
            timeseries(
                "Share of publications ending in failure",
                target("catalog:saga_failure_ratio:rate15m", "failed publications"),
                unit="percentunit",
                description="mark-publication-failed over confirm-publication plus it.",
            ),
            timeseries(
                "Failing outcomes by topic",
                target(
                    rate("saga_tasks_total", f'{topic}, outcome!="completed"', "topic, outcome"),
                    "{{topic}} {{outcome}}",
                ),
                unit="ops",
            ),
        ],
        [query_variable("topic", "Topic", "label_values(saga_tasks_total, topic)")],
    )


def read_model() -> Dashboard:
    lag = "store_projection_lag_seconds"
    store = 'job="store-consumers"'
    search = 'job="store", route="/api/v1/store/search"'
    return dashboard(
        "catalog-read-model",
        "Catalog / Read model",
        "The store (CQRS read side): how late it shows changes, its consumers, its search.",
        [
            stat("Projection lag p99", f"catalog:{lag}:p99_5m", "s"),
            stat(
                "Projected within 1 s",
                ratio(
                    f'sum(rate({lag}_bucket{{le="1.0"}}[{RATE}]))',
                    f"sum(rate({lag}_count[{RATE}]))",
                ),
                "percentunit",
            ),
            stat("Search p99", p(0.99, "", search, "http_request_duration_seconds"), "s"),
            stat(
                "Dead-lettered (1h)",
                f'sum(increase(consumer_events_total{{{store}, outcome="dead_lettered"}}[1h]))'
                " or vector(0)",
            ),
            timeseries(
                "Projection lag",
                target(p(0.99, "", "", lag), "p99"),
                target(p(0.5, "", "", lag), "p50"),
                unit="s",
                description="Event time to projection. Alert CatalogStoreStale above 5 s (p99).",
            ),
            timeseries(
                "Projections",
                target(f"sum(rate({lag}_count[{RATE}]))", "projected"),
                unit="ops",
            ),
            timeseries(
                "Store consumers: events by outcome",
                target(rate("consumer_events_total", store, "consumer, outcome")),
                unit="ops",
            ),
            timeseries(
                "Store consumers: p99 handling duration",
                target(p(0.99, "consumer", store, "consumer_event_duration_seconds")),
                unit="s",
            ),
            timeseries(
                "Search latency",
                target(p(0.99, "", search, "http_request_duration_seconds"), "p99"),
                target(p(0.5, "", search, "http_request_duration_seconds"), "p50"),
                unit="s",
            ),
            timeseries(
                "Search requests by status",
                target(rate("http_requests_total", search, "status"), "{{status}}"),
                unit="reqps",
            ),
        ],
    )


# ---------------------------------------------------------------------------------------------


def render_all(services_dir: Path = REPO_ROOT / "services") -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    dashboards = {
        "platform-overview": platform_overview(),
        **{f"service-{s.name}": service_dashboard(s) for s in discover_services(services_dir)},
        "publication-saga": publication_saga(),
        "read-model": read_model(),
    }
    return {
        f"{stem}.json": json.dumps(board, indent=2, ensure_ascii=False) + "\n"
        for stem, board in dashboards.items()
    }


def differences(directory: Path, rendered: dict[str, str]) -> list[str]:
    """The files of `directory` that are missing, stale or no longer generated."""
    present = {path.name for path in directory.glob("*.json")}
    stale = [
        name
        for name, text in rendered.items()
        if name not in present or (directory / name).read_text() != text
    ]
    return sorted(stale + sorted(present - set(rendered)))


def main() -> int:
    parser = argparse.ArgumentParser(prog="dev/dashboards.py", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when the committed files differ"
    )
    arguments = parser.parse_args()
    rendered = render_all()
    if arguments.check:
        changed = differences(DASHBOARDS_DIR, rendered)
        for name in changed:
            print(f"out of date: {DASHBOARDS_DIR / name}", file=sys.stderr)
        if changed:
            print("run `uv run python dev/dashboards.py`", file=sys.stderr)
        return 1 if changed else 0
    DASHBOARDS_DIR.mkdir(parents=True, exist_ok=True)
    for name in sorted(set(differences(DASHBOARDS_DIR, rendered)) - set(rendered)):
        (DASHBOARDS_DIR / name).unlink()
    for name, text in rendered.items():
        (DASHBOARDS_DIR / name).write_text(text)
    print(f"wrote {len(rendered)} dashboards to {DASHBOARDS_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
