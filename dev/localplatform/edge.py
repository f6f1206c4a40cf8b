"""Runs the nginx edge from .local/edge: its own prefix, pid and temp dirs, not the system nginx."""

from __future__ import annotations

import os
import signal

from .commands import run
from .console import done, info, step
from .edge_config import EdgePaths, render_nginx_conf
from .paths import Layout
from .probes import Readiness, http_answers
from .processes import start_detached, stop_tracked, tracked_pid
from .routes import RouteTable, load_route_table

NAME = "edge"
NGINX = "/usr/sbin/nginx"


def edge_paths(layout: Layout) -> EdgePaths:
    return EdgePaths(
        prefix=layout.edge,
        access_log=layout.logs / "edge-access.log",
        error_log=layout.logs / "edge-error.log",
    )


def edge_url(table: RouteTable) -> str:
    return f"http://127.0.0.1:{table.edge.port}"


def frontend_present(layout: Layout) -> bool:
    """The UI route is served once the frontend exists; until then `/` answers 404."""
    return (layout.root / "frontend" / "package.json").is_file()


def write_config(layout: Layout, table: RouteTable | None = None) -> tuple[EdgePaths, bool]:
    """Renders .local/edge/nginx.conf; returns its paths and whether the file changed."""
    table = table or load_route_table(layout.routes_file)
    paths = edge_paths(layout)
    for directory in (paths.prefix, paths.temp_dir, paths.access_log.parent):
        directory.mkdir(parents=True, exist_ok=True)
    content = render_nginx_conf(table, paths, include_frontend=frontend_present(layout))
    changed = not paths.conf_file.is_file() or paths.conf_file.read_text() != content
    if changed:
        paths.conf_file.write_text(content)
    return paths, changed


def check_config(paths: EdgePaths) -> None:
    run(_nginx_args(paths, "-t"), timeout=30)


def start_or_reload(layout: Layout) -> None:
    paths, changed = write_config(layout)
    running = tracked_pid(layout, NAME)
    if running is not None and not changed:
        return
    check_config(paths)
    if running is not None:
        step("edge configuration changed: reloading nginx")
        os.kill(running, signal.SIGHUP)
        return
    step("starting the edge (nginx)")
    start_detached(layout, NAME, _nginx_args(paths), cwd=paths.prefix, env=dict(os.environ))


def stop(layout: Layout) -> None:
    if stop_tracked(layout, NAME):
        done("edge stopped")
    else:
        info("edge was not running")


def is_ready(table: RouteTable) -> bool:
    # Any answer from the edge carries a correlation id, even the 404 for an unknown path.
    return http_answers(f"{edge_url(table)}/api/", "x-correlation-id")


def readiness(layout: Layout, table: RouteTable) -> Readiness:
    def failed() -> str | None:
        if tracked_pid(layout, NAME) is None:
            return f"nginx exited; see {layout.logs / 'edge-error.log'} and {layout.log_file(NAME)}"
        return None

    return Readiness(name=NAME, url=edge_url(table), ready=lambda: is_ready(table), failed=failed)


def _nginx_args(paths: EdgePaths, *extra: str) -> list[str]:
    # -e: nginx opens its error log before reading the config; keep it out of /var/log.
    return [
        NGINX,
        "-p",
        str(paths.prefix),
        "-c",
        str(paths.conf_file),
        "-e",
        str(paths.error_log),
        *extra,
    ]
