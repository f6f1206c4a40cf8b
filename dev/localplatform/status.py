"""The dependency health behind the edge's `GET /health/dependencies`
(catalog_chassis.dependency_health): one small process asking every service's readiness."""

from __future__ import annotations

import os

from .discovery import ServiceSpec
from .edge_config import DEPENDENCY_HEALTH_PORT
from .paths import Layout
from .probes import Readiness, http_answers, port_open
from .processes import start_detached, stop_tracked, tracked_pid
from .services import health_url

NAME = "status"
HOST = "127.0.0.1"
PORT = DEPENDENCY_HEALTH_PORT
URL = f"http://{HOST}:{PORT}/health/dependencies"


def targets(specs: list[ServiceSpec]) -> str:
    return ",".join(f"{spec.name}={url}" for spec in specs if (url := health_url(spec)) is not None)


def start_or_restart(layout: Layout, specs: list[ServiceSpec]) -> None:
    """(Re)starts it with the current services: cheap, and the list may have changed."""
    stop_tracked(layout, NAME)
    if port_open(PORT):
        return  # another checkout's; its answer covers the same services
    env = {
        **os.environ,
        "DEPENDENCY_TARGETS": targets(specs),
        "HOST": HOST,
        "PORT": str(PORT),
        "PATH": f"{layout.venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    start_detached(
        layout,
        NAME,
        [str(layout.venv_bin / "python"), "-m", "catalog_chassis.dependency_health"],
        cwd=layout.root,
        env=env,
    )


def is_ready() -> bool:
    # Answers 200 or 503 depending on the services: either way it is up.
    return http_answers(URL, "content-type")


def readiness(layout: Layout) -> Readiness:
    def failed() -> str | None:
        if tracked_pid(layout, NAME) is None and not is_ready():
            return f"the process exited; see {layout.log_file(NAME)}"
        return None

    return Readiness(name=NAME, url=URL, ready=is_ready, failed=failed)
