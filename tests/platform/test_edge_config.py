"""The nginx configuration rendered from the edge route table."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dev.localplatform.edge_config import (
    CLUSTER_EDGE_FILE,
    EdgePaths,
    render_cluster_nginx_conf,
    render_nginx_conf,
)
from dev.localplatform.paths import DEFAULT_LAYOUT
from dev.localplatform.routes import RouteTable, load_route_table, parse_route_table

ROUTES = {
    "services": {
        "identity": {"port": 8001, "prefixes": ["/api/v1/auth"]},
        "store": {"port": 8006, "prefixes": ["/api/v1/store"]},
    },
    "frontend": {"port": 3000, "prefixes": ["/"]},
    "edge": {
        "port": 8080,
        "timeouts": {"connectSeconds": 2, "readSeconds": 4},
        "rateLimit": {"requestsPerSecond": 50, "burst": 100},
        "cors": {
            "allowOrigins": ["http://localhost:3000"],
            "allowHeaders": ["Authorization", "X-Correlation-ID"],
            "exposeHeaders": ["ETag", "X-Correlation-ID"],
        },
    },
}


@pytest.fixture
def table() -> RouteTable:
    return parse_route_table(ROUTES)


@pytest.fixture
def paths(tmp_path: Path) -> EdgePaths:
    return EdgePaths(tmp_path, tmp_path / "access.log", tmp_path / "error.log")


def render(table: RouteTable, paths: EdgePaths, *, include_frontend: bool = False) -> str:
    return render_nginx_conf(table, paths, include_frontend=include_frontend)


def block(conf: str, header: str) -> str:
    """The text of the `header { ... }` block (its closing brace is alone on its line)."""
    match = re.search(re.escape(header) + r" \{\n.*?\n *\}\n", conf, re.DOTALL)
    assert match is not None, f"no block {header!r}"
    return match.group(0)


def test_proxies_each_prefix_and_everything_below_it_to_its_service(
    table: RouteTable, paths: EdgePaths
) -> None:
    conf = render(table, paths)

    assert "server 127.0.0.1:8001 max_fails=0;" in block(conf, "upstream route_identity")
    assert "proxy_pass http://route_identity;" in block(conf, "location = /api/v1/auth")
    assert "proxy_pass http://route_identity;" in block(conf, "location /api/v1/auth/")
    assert "server 127.0.0.1:8006 max_fails=0;" in block(conf, "upstream route_store")


def test_does_not_match_a_sibling_path_sharing_the_prefix(
    table: RouteTable, paths: EdgePaths
) -> None:
    conf = render(table, paths)

    assert "location /api/v1/auth {" not in conf


def test_answers_unknown_paths_with_404_until_the_frontend_exists(
    table: RouteTable, paths: EdgePaths
) -> None:
    conf = render(table, paths)

    assert "return 404;" in block(conf, "location /api/")
    assert "return 404;" in block(conf, "location /")
    assert "route_frontend" not in conf


def test_routes_the_root_to_the_frontend_once_it_exists(
    table: RouteTable, paths: EdgePaths
) -> None:
    conf = render(table, paths, include_frontend=True)

    assert "proxy_pass http://route_frontend;" in block(conf, "location /")
    assert "return 404;" in block(conf, "location /api/")


def test_applies_the_timeouts_and_rate_limit_of_the_route_table(
    table: RouteTable, paths: EdgePaths
) -> None:
    conf = render(table, paths)

    assert "proxy_connect_timeout 2s;" in conf
    assert "proxy_read_timeout 4s;" in conf
    assert "zone=edge_per_client:10m rate=50r/s;" in conf
    assert "limit_req zone=edge_per_client burst=100 nodelay;" in conf
    assert "limit_req_status 429;" in conf


def test_allows_only_the_configured_cors_origins(table: RouteTable, paths: EdgePaths) -> None:
    origins = block(render(table, paths), "map $http_origin $cors_allow_origin")

    assert '"http://localhost:3000" $http_origin;' in origins
    assert 'default "";' in origins


def test_keeps_the_runtime_files_under_its_own_prefix(table: RouteTable, paths: EdgePaths) -> None:
    conf = render(table, paths)

    assert f"pid {paths.prefix}/nginx.pid;" in conf
    assert f"access_log {paths.access_log} edge_json;" in conf
    assert f"client_body_temp_path {paths.prefix}/temp/client_body;" in conf
    assert "daemon off;" in conf


@pytest.mark.parametrize(
    ("location", "status", "title"),
    [
        ("@not_found", 404, "Not Found"),
        ("@too_many_requests", 429, "Too Many Requests"),
        ("@service_unavailable", 503, "Service Unavailable"),
    ],
)
def test_edge_errors_are_problem_documents(
    table: RouteTable, paths: EdgePaths, location: str, status: int, title: str
) -> None:
    named = block(render(table, paths), f"location {location}")
    body = re.search(rf"return {status} '(.*)';", named)

    assert "default_type application/problem+json;" in named
    assert body is not None
    problem = json.loads(body.group(1).replace("$correlation_id", "abc"))
    assert problem["status"] == status
    assert problem["title"] == title
    assert problem["correlationId"] == "abc"
    assert problem["type"].startswith("https://catalog.example/problems/")
    assert problem["detail"]


def test_maps_upstream_failures_and_timeouts_to_503(table: RouteTable, paths: EdgePaths) -> None:
    assert "error_page 502 503 504 = @service_unavailable;" in render(table, paths)


def test_access_log_lines_are_json_with_the_correlation_id(
    table: RouteTable, paths: EdgePaths
) -> None:
    conf = render(table, paths)
    fragment = conf[conf.index("log_format edge_json") : conf.index("\n    access_log ")]
    template = "".join(re.findall(r"'([^']*)'", fragment))
    sample = re.sub(r"\$[a-z_0-9]+", "1", template)

    assert set(json.loads(sample)) >= {
        "time",
        "method",
        "uri",
        "status",
        "duration",
        "upstream",
        "correlation_id",
    }


def test_the_repository_route_table_renders(paths: EdgePaths) -> None:
    table = load_route_table(DEFAULT_LAYOUT.routes_file)

    conf = render(table, paths)

    assert {route.name for route in table.services} <= set(
        re.findall(r"upstream route_(\w+)", conf)
    )
    assert f"listen 127.0.0.1:{table.edge.port};" in conf


def test_the_client_address_replaces_any_forwarded_for_the_client_sent(
    table: RouteTable, paths: EdgePaths
) -> None:
    conf = render(table, paths)

    assert conf.count("proxy_set_header X-Forwarded-For $remote_addr;") == 1
    assert "$proxy_add_x_forwarded_for" not in conf


def test_the_edge_answers_its_own_health(table: RouteTable, paths: EdgePaths) -> None:
    health = block(render(table, paths, include_frontend=True), "location = /health")

    assert 'return 200 \'{"status":"UP"}\';' in health
    assert "proxy_pass" not in health


def test_dependency_health_is_answered_behind_the_edge(table: RouteTable, paths: EdgePaths) -> None:
    location = block(render(table, paths), "location = /health/dependencies")

    assert "proxy_pass http://127.0.0.1:8090;" in location


# --- the cluster's edge (charts/catalog, edge.mode: nginx) ---------------------------------------


def test_the_charts_edge_configuration_is_generated_from_the_route_table() -> None:
    committed = (DEFAULT_LAYOUT.routes_file.parent.parent / CLUSTER_EDGE_FILE).read_text()

    expected = render_cluster_nginx_conf(load_route_table(DEFAULT_LAYOUT.routes_file))
    assert committed == expected, "stale: run `uv run python dev/edge.py render-chart`"


def test_the_cluster_edge_proxies_to_placeholders_logs_to_stdout_and_listens_on_all_addresses(
    table: RouteTable,
) -> None:
    conf = render_cluster_nginx_conf(table)

    assert 'server {{ index .backends "identity" }} max_fails=0;' in conf
    assert 'server {{ index .backends "frontend" }} max_fails=0;' in conf
    assert "listen 0.0.0.0:8080;" in conf
    assert "access_log /dev/stdout edge_json;" in conf
    assert "error_log /dev/stderr warn;" in conf
    # The dependency report comes from the chart's dependency health Service, no local port.
    location = block(conf, "location = /health/dependencies")
    assert 'proxy_pass http://{{ index .backends "dependency-health" }};' in location
    assert "127.0.0.1" not in conf


def _as_helm_fills_it(conf: str, trace_sample_percent: float) -> str:
    """The chart's template with its placeholders filled as Helm's `tpl` does."""
    conf = re.sub(r'\{\{ index \.backends "[a-z-]+" \}\}', "127.0.0.1:9", conf)
    every, share = re.search(
        r"\s*\{\{- if [^}]+\}\}(.*?)\s*\{\{- else \}\}(.*?)\s*\{\{- end \}\}", conf, re.DOTALL
    ).groups()  # type: ignore[union-attr]
    chosen = every if trace_sample_percent >= 100 else share
    conf = re.sub(
        r"\s*\{\{- if [^}]+\}\}.*?\{\{- end \}\}", lambda _: chosen, conf, count=1, flags=re.DOTALL
    )
    return conf.replace("{{ .traceSamplePercent }}", f"{trace_sample_percent:g}")


@pytest.mark.parametrize("trace_sample_percent", [10, 0.5, 100])
def test_nginx_accepts_the_cluster_edge_configuration(
    table: RouteTable, tmp_path: Path, trace_sample_percent: float
) -> None:
    """The chart's template, with its placeholders filled as Helm does, passes `nginx -t`
    (paths moved under a temporary directory: the test runs outside a container)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    conf = _as_helm_fills_it(render_cluster_nginx_conf(table), trace_sample_percent)
    assert "{{" not in conf
    conf = conf.replace("/tmp/nginx", str(tmp_path)).replace(
        "listen 0.0.0.0:8080", "listen 127.0.0.1:18080"
    )
    (tmp_path / "temp").mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(conf)

    result = subprocess.run(
        [nginx, "-t", "-e", "stderr", "-c", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


def test_the_edge_passes_a_valid_traceparent_on_or_starts_the_trace(
    table: RouteTable, paths: EdgePaths
) -> None:
    conf = render(table, paths, include_frontend=True)

    assert "proxy_set_header traceparent $traceparent;" in conf
    traceparent = block(conf, "map $http_traceparent $traceparent")
    assert '"~^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$" $http_traceparent;' in traceparent
    assert "default $minted_traceparent;" in traceparent
    # Started by the edge: the request id is the trace id, sampled.
    assert '"00-$request_id-$tp_span-$trace_flags"' in block(
        conf, "map $request_id $minted_traceparent"
    )
    # The local platform records every trace its edge starts.
    assert "default 01;" in block(conf, "map $request_id $trace_flags")
    assert "split_clients" not in conf
    assert '\'"trace_id":"$trace_id",\'' in conf
