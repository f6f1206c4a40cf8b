"""`dev/platform.py up|down|status|logs|migrate`: the local platform's command line."""

from __future__ import annotations

import argparse
import subprocess
from collections.abc import Sequence

from . import (
    camunda,
    edge,
    ferretdb,
    frontend,
    installer,
    logship,
    opensearch,
    postgres,
    prometheus,
    rabbitmq,
    services,
    zipkin,
)
from . import status as status_page
from .console import done, elapsed, fail, info, warn
from .discovery import ServiceSpec, discover_services
from .errors import PlatformError
from .paths import DEFAULT_LAYOUT, Layout
from .platform_env import prepare_databases
from .probes import Readiness, wait_until_ready
from .processes import stop_tracked, tracked_names
from .routes import load_route_table
from .secrets_store import JwtKeyFiles, ensure_jwt_keys, stored_password

RABBITMQ_CREDENTIALS = "guest/guest"


def up(layout: Layout, selected: list[str] | None, timeout: float) -> int:
    layout.ensure_dirs()
    installed = installer.ensure_system_packages()
    # The JVMs are slowest to boot: start them first, wait for them last.
    opensearch.start_if_needed(layout)
    zipkin.start_if_needed(layout)
    postgres.ensure_running(layout, installed_now="postgresql" in installed)
    postgres.ensure_capacity(layout)
    rabbitmq_was_running = rabbitmq.is_running()
    rabbitmq.start_or_adopt(layout, installed_now="rabbitmq-server" in installed)
    specs = discover_services(layout.services)
    platform_env = prepare_databases(layout, specs)
    done(f"postgres roles and databases ready; wrote {layout.env_file.relative_to(layout.root)}")
    camunda.start_if_needed(layout)  # needs its Postgres role; boots in 5-30 s
    ferretdb.start_if_needed(layout)  # needs its Postgres role; built once (≈ 1.5 min cold)
    jwt_keys = ensure_jwt_keys(layout)
    if not rabbitmq_was_running:
        rabbitmq.await_started()
    wait_until_ready(
        [Readiness("rabbitmq", rabbitmq.MANAGEMENT_URL, rabbitmq.management_ready)],
        timeout=timeout,
    )
    rabbitmq.declare_exchanges()
    chosen = _select(specs, selected)
    stores = [ferretdb.readiness(layout), opensearch.readiness(layout)]
    # The engine's users and processes exist before any service (a worker) starts.
    before_services = [camunda.readiness(layout)]
    if any(spec.mongodb or spec.search for spec in chosen):
        # Services that declare them read and index while they start: wait for both first.
        before_services += stores
        stores = []
    wait_until_ready(before_services, timeout=timeout)
    camunda.prepare(layout, specs)
    providers = [spec for spec in specs if spec.accounts is not None]
    running, failed = start_services(layout, chosen, platform_env, jwt_keys, providers)
    ui = start_frontend(layout, failed)
    edge.start_or_reload(layout)
    prometheus.start_or_reload(layout, specs)  # scrapes every service, running or not
    status_page.start_or_restart(layout, specs)  # the edge's GET /health/dependencies
    table = load_route_table(layout.routes_file)
    checks = [
        zipkin.readiness(layout),
        prometheus.readiness(layout),
        status_page.readiness(layout),
        *stores,
    ]
    for spec in running:
        checks += services.readiness(layout, spec)
    checks += ui
    checks.append(edge.readiness(layout, table))
    try:
        wait_until_ready(checks, timeout=timeout)
        # Ships every process's log lines to OpenSearch (ready by now).
        logship.start_or_restart(layout, specs)
        wait_until_ready([logship.readiness(layout)], timeout=timeout)
    finally:
        _print_urls(layout, running, edge.edge_url(table))
    if failed:
        raise PlatformError(f"services not started: {', '.join(failed)} (see above)")
    done(f"platform up in {elapsed():.1f}s")
    return 0


def start_services(
    layout: Layout,
    specs: list[ServiceSpec],
    platform_env: dict[str, str],
    jwt_keys: JwtKeyFiles,
    providers: list[ServiceSpec],
) -> tuple[list[ServiceSpec], list[str]]:
    """Migrates, seeds and starts each service that is not running; one failing service does
    not keep the others down. ``providers`` create service accounts (identity). Returns the
    services started or running, and the failures."""
    if not specs:
        info("no services to run: infrastructure and edge only")
    running: list[ServiceSpec] = []
    failures: list[str] = []
    for spec in specs:
        pending = services.processes_to_start(layout, spec)
        try:
            if pending:
                env = services.service_env(layout, spec, platform_env, jwt_keys)
                services.migrate(spec, env)
                services.seed(spec, env)
                if spec.service_account:
                    if not providers:
                        raise PlatformError("no service declares `accounts` (identity)")
                    provider = providers[0]
                    provider_env = services.service_env(layout, provider, platform_env, jwt_keys)
                    services.create_service_account(layout, spec, provider, provider_env)
                services.start_processes(layout, spec, pending, env)
        except PlatformError as error:
            warn(f"{spec.name} not started: {error}")
            failures.append(spec.name)
            continue
        running.append(spec)
    return running, failures


def start_frontend(layout: Layout, failed: list[str]) -> list[Readiness]:
    """Builds (when it changed) and starts the web UI; a failure is reported with the
    services' and keeps nothing else down. Returns what to wait for."""
    if not frontend.present():
        return []
    try:
        frontend.start_if_needed(layout)
    except PlatformError as error:
        warn(f"{frontend.NAME} not started: {error}")
        failed.append(frontend.NAME)
        return []
    return [frontend.readiness(layout)]


def lint_frontend() -> int:
    """Type-checks and lints the web UI (installing its dependencies first if needed)."""
    if not frontend.present():
        info("no frontend/ to check")
        return 0
    code = frontend.check()
    if code == 0:
        done("web UI: tsc and eslint found nothing")
    return code


def down(layout: Layout) -> int:
    names = tracked_names(layout)
    # The edge first (no new requests), the infrastructure last (services drain into it).
    infrastructure = {
        zipkin.NAME,
        ferretdb.NAME,
        opensearch.NAME,
        camunda.NAME,
        prometheus.NAME,
        status_page.NAME,
        logship.NAME,
    }
    order = sorted(names, key=lambda name: (name != edge.NAME, name in infrastructure, name))
    for name in order:
        if stop_tracked(layout, name):
            done(f"{name} stopped")
    rabbitmq.stop_if_started(layout)
    postgres.stop_if_started(layout)
    done("platform down")
    return 0


def status(layout: Layout) -> int:
    table = load_route_table(layout.routes_file)
    rows: list[tuple[str, bool, str]] = [
        ("postgres", postgres.is_accepting(), f"postgresql://127.0.0.1:{postgres.PORT}"),
        ("rabbitmq", rabbitmq.management_ready(), rabbitmq.MANAGEMENT_URL),
        ("zipkin", zipkin.is_ready(), zipkin.URL),
        (ferretdb.NAME, ferretdb.is_ready(layout), ferretdb.URL),
        (opensearch.NAME, opensearch.is_ready(), opensearch.URL),
        (prometheus.NAME, prometheus.is_ready(), prometheus.URL),
        (camunda.NAME, camunda.is_ready(layout), camunda.REST_URL),
    ]
    for spec in discover_services(layout.services):
        for check in services.readiness(layout, spec):
            rows.append((check.name, check.ready(), check.url))
    if frontend.present():
        rows.append((frontend.NAME, frontend.is_ready(), frontend.URL))
    rows.append(("edge", edge.is_ready(table), edge.edge_url(table)))
    width = max(len(name) for name, _, _ in rows)
    for name, healthy, url in rows:
        print(f"{name:<{width}}  {'up' if healthy else 'DOWN':<4}  {url}")
    return 0 if all(healthy for _, healthy, _ in rows) else 1


def logs(
    layout: Layout, name: str | None, follow: bool, lines: int, correlation_id: str | None = None
) -> int:
    if correlation_id is not None:
        return request_logs(correlation_id)
    files = sorted(layout.logs.glob("*.log"))
    if name is not None:
        files = [f for f in files if f.stem == name or f.stem.startswith(f"{name}-")]
    if not files:
        raise PlatformError(f"no logs in {layout.logs}" + (f" for {name}" if name else ""))
    command = ["tail", "-n", str(lines), *(["-F"] if follow else []), *map(str, files)]
    try:
        return subprocess.run(command, check=False).returncode
    except KeyboardInterrupt:
        return 0


def request_logs(correlation_id: str) -> int:
    """One request's lines from every process, in time order (from OpenSearch)."""
    found = logship.request_lines(correlation_id)
    if not found:
        raise PlatformError(
            f"no log lines with correlation_id {correlation_id} in {logship.INDEX_PATTERN}"
            " (lines reach OpenSearch within seconds of being written)"
        )
    for line in found:
        print(logship.format_line(line))
    return 0


def migrate(layout: Layout) -> int:
    if not postgres.is_accepting():
        raise PlatformError("postgres is not running; start the platform with `make up`")
    specs = discover_services(layout.services)
    platform_env = prepare_databases(layout, specs)
    jwt_keys = ensure_jwt_keys(layout)
    migrating = [spec for spec in specs if spec.has_migrations]
    if not migrating:
        info("no service has migrations")
    for spec in migrating:
        services.migrate(spec, services.service_env(layout, spec, platform_env, jwt_keys))
    return 0


def execute(layout: Layout, service: str, argv: list[str]) -> int:
    """Run ``argv`` in ``service``'s directory with the environment its processes get (an
    operational command such as the store's reindex)."""
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        raise PlatformError("exec needs a command: dev/platform.py exec SERVICE -- COMMAND ...")
    specs = discover_services(layout.services)
    [spec] = _select(specs, [service])
    platform_env = prepare_databases(layout, specs)
    env = services.service_env(layout, spec, platform_env, ensure_jwt_keys(layout))
    return services.execute(spec, command, env)


def _select(specs: list[ServiceSpec], selected: list[str] | None) -> list[ServiceSpec]:
    if selected is None:
        return specs
    unknown = set(selected) - {spec.name for spec in specs}
    if unknown:
        raise PlatformError(f"unknown services: {', '.join(sorted(unknown))}")
    return [spec for spec in specs if spec.name in selected]


def _print_urls(layout: Layout, specs: list[ServiceSpec], edge_url: str) -> None:
    print()
    print(f"  {'edge (API and UI)':<26} {edge_url}")
    print(f"  {'dependency health':<26} {edge_url}/health/dependencies")
    if frontend.present():
        print(f"  {'web UI':<26} {edge_url}/login  (admin/admin, user/user)")
    for spec in specs:
        if (docs := services.docs_url(spec)) is not None:
            print(f"  {spec.name + ' API docs':<26} {docs}")
    print(f"  {'rabbitmq management':<26} {rabbitmq.MANAGEMENT_URL}  ({RABBITMQ_CREDENTIALS})")
    print(f"  {'zipkin':<26} {zipkin.URL}")
    print(f"  {'mongodb (FerretDB)':<26} {ferretdb.URL}  (login: MONGODB_URL in platform.env)")
    print(f"  {'opensearch':<26} {opensearch.URL}")
    logs_url = f"{opensearch.URL}/{logship.INDEX_PATTERN}/_search"
    print(f"  {'logs (every process)':<26} {logs_url}  (make logs CORRELATION_ID=<id>)")
    print(f"  {'prometheus':<26} {prometheus.URL}")
    print(f"  {'camunda REST':<26} {camunda.REST_URL}")
    password = stored_password(layout, camunda.ADMIN_PASSWORD_SECRET) or "(not generated yet)"
    login = f"{camunda.ADMIN_USER} / {password}"
    print(f"  {'camunda cockpit':<26} {camunda.COCKPIT_URL}  ({login})")
    print()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dev/platform.py", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up_parser = commands.add_parser("up", help="install, start and wait for everything")
    group = up_parser.add_mutually_exclusive_group()
    group.add_argument("--services", help="comma-separated services to run (default: all)")
    group.add_argument("--no-services", action="store_true", help="infrastructure and edge only")
    up_parser.add_argument("--timeout", type=float, default=180.0, help="readiness timeout (s)")
    commands.add_parser("down", help="stop what up started")
    commands.add_parser("status", help="health of every part")
    logs_parser = commands.add_parser("logs", help="tail .local/logs")
    logs_parser.add_argument("name", nargs="?", help="one service or process, e.g. identity")
    logs_parser.add_argument("--no-follow", action="store_true")
    logs_parser.add_argument("-n", "--lines", type=int, default=50)
    logs_parser.add_argument(
        "--correlation-id", help="one request's lines from every process, from OpenSearch"
    )
    commands.add_parser("migrate", help="alembic upgrade head for every service")
    commands.add_parser("lint-frontend", help="tsc and eslint over frontend/ (npm ci if needed)")
    exec_parser = commands.add_parser(
        "exec", help="run a command as a service's process would (its directory and env)"
    )
    exec_parser.add_argument("service", help="e.g. store")
    exec_parser.add_argument("argv", nargs=argparse.REMAINDER, help="-- the command")
    return parser


def main(argv: Sequence[str] | None = None, layout: Layout = DEFAULT_LAYOUT) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "up":
            selected = [] if args.no_services else _split(args.services)
            return up(layout, selected, args.timeout)
        if args.command == "down":
            return down(layout)
        if args.command == "status":
            return status(layout)
        if args.command == "logs":
            return logs(layout, args.name, not args.no_follow, args.lines, args.correlation_id)
        if args.command == "exec":
            return execute(layout, args.service, args.argv)
        if args.command == "lint-frontend":
            return lint_frontend()
        return migrate(layout)
    except PlatformError as error:
        return fail(error)
    except KeyboardInterrupt:
        warn("interrupted")
        return 130


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [name.strip() for name in value.split(",") if name.strip()]
