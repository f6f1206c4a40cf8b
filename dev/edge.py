"""The local edge: `uv run python dev/edge.py render|check|start|reload|stop`.

Renders .local/edge/nginx.conf from charts/catalog/files/routes.yaml and runs nginx from
.local/edge (its own prefix, pid and temp dirs), tracked in .local/pids/edge.pid.
`render-chart` writes the cluster edge's configuration (charts/catalog/files/edge-nginx.conf).
`dev/platform.py up` does the same as part of starting everything.
"""

import argparse
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dev.localplatform import edge
from dev.localplatform.console import done, fail
from dev.localplatform.edge_config import CLUSTER_EDGE_FILE, render_cluster_nginx_conf
from dev.localplatform.errors import PlatformError
from dev.localplatform.paths import DEFAULT_LAYOUT
from dev.localplatform.probes import Readiness, wait_until_ready
from dev.localplatform.processes import signal_tracked
from dev.localplatform.routes import load_route_table


def main() -> int:
    parser = argparse.ArgumentParser(prog="dev/edge.py", description=__doc__)
    parser.add_argument(
        "command", choices=["render", "render-chart", "check", "start", "reload", "stop"]
    )
    command = parser.parse_args().command
    layout = DEFAULT_LAYOUT
    layout.ensure_dirs()
    try:
        if command == "render-chart":
            chart_file = layout.routes_file.parent.parent / CLUSTER_EDGE_FILE
            chart_file.write_text(render_cluster_nginx_conf(load_route_table(layout.routes_file)))
            done(f"wrote {chart_file}")
        elif command == "render":
            paths, _ = edge.write_config(layout)
            done(f"wrote {paths.conf_file}")
        elif command == "check":
            paths, _ = edge.write_config(layout)
            edge.check_config(paths)
            done("nginx accepts the configuration")
        elif command == "start":
            edge.start_or_reload(layout)
            table = load_route_table(layout.routes_file)
            check: Readiness = edge.readiness(layout, table)
            wait_until_ready([check], timeout=30)
        elif command == "reload":
            paths, _ = edge.write_config(layout)
            edge.check_config(paths)
            if not signal_tracked(layout, edge.NAME, signal.SIGHUP):
                raise PlatformError("the edge is not running; use `start`")
            done("edge reloaded")
        else:
            edge.stop(layout)
    except PlatformError as error:
        return fail(error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
