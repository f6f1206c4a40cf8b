"""Prometheus (Debian's package, run by the platform itself) scraping every API and worker.

The configuration is generated from the discovered services: each API's `/metrics` on its
port, each worker process's on its METRICS_PORT (services.metrics_port). The rules are the
repository's `observability/prometheus/rules.yml`. Data stays in `.local/prometheus/` for
two days. The Debian package's own service is not used (it would scrape the defaults).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import yaml

from .console import info, step
from .discovery import ServiceSpec
from .errors import PlatformError
from .paths import REPO_ROOT, Layout
from .probes import Readiness, http_ok, port_open
from .processes import log_tail, start_detached, tracked_pid
from .services import metrics_port

NAME = "prometheus"
HOST = "127.0.0.1"
PORT = 9090
URL = f"http://{HOST}:{PORT}"
BINARY = Path("/usr/bin/prometheus")
RULES = REPO_ROOT / "observability" / "prometheus" / "rules.yml"
SCRAPE_INTERVAL = "5s"
RETENTION = "2d"


def data_dir(layout: Layout) -> Path:
    return layout.local / NAME


def scrape_configs(specs: list[ServiceSpec]) -> list[dict[str, Any]]:
    """One job per service process: `<service>-<process>` (the API's job is the service)."""
    jobs = []
    for spec in specs:
        if spec.port is None:
            continue
        for process in spec.processes:
            port = spec.port if process == "api" else metrics_port(spec, process)
            job = spec.name if process == "api" else spec.process_id(process)
            jobs.append(
                {
                    "job_name": job,
                    "static_configs": [
                        {
                            "targets": [f"{HOST}:{port}"],
                            "labels": {"service": spec.name, "process": process},
                        }
                    ],
                }
            )
    return jobs


def config(specs: list[ServiceSpec], rules: Path = RULES) -> dict[str, Any]:
    return {
        "global": {"scrape_interval": SCRAPE_INTERVAL, "evaluation_interval": SCRAPE_INTERVAL},
        "rule_files": [str(rules)],
        "scrape_configs": scrape_configs(specs),
    }


def write_config(layout: Layout, specs: list[ServiceSpec]) -> Path:
    path = data_dir(layout) / "prometheus.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config(specs), sort_keys=False))
    return path


def command(config_file: Path, storage: Path) -> list[str]:
    return [
        str(BINARY),
        f"--config.file={config_file}",
        f"--storage.tsdb.path={storage}",
        f"--storage.tsdb.retention.time={RETENTION}",
        f"--web.listen-address={HOST}:{PORT}",
        # `up` reloads the configuration (new services) with POST /-/reload.
        "--web.enable-lifecycle",
    ]


def is_ready() -> bool:
    return http_ok(f"{URL}/-/ready")


def start_or_reload(layout: Layout, specs: list[ServiceSpec]) -> None:
    """Starts Prometheus with a freshly generated configuration, or makes the running one
    read it again."""
    config_file = write_config(layout, specs)
    if tracked_pid(layout, NAME) is not None:
        http_ok_post(f"{URL}/-/reload")
        return
    if port_open(PORT):
        raise PlatformError(
            f"port {PORT} is in use by something this checkout did not start (the Debian "
            "package's own prometheus service? `service prometheus stop`)"
        )
    if not BINARY.exists():
        raise PlatformError(f"{BINARY} is missing: the platform installs Debian's prometheus")
    step("starting prometheus")
    start_detached(
        layout,
        NAME,
        command(config_file, data_dir(layout) / "data"),
        cwd=layout.local,
        env=os.environ,
    )


def http_ok_post(url: str) -> None:
    try:
        httpx.post(url, timeout=5.0, trust_env=False)
    except httpx.HTTPError as error:
        info(f"prometheus did not reload its configuration: {error!r}")


def readiness(layout: Layout) -> Readiness:
    def failed() -> str | None:
        if tracked_pid(layout, NAME) is None and not is_ready():
            tail = log_tail(layout, NAME, lines=15)
            return f"the process exited; {layout.log_file(NAME)} ends with:\n{tail}"
        return None

    return Readiness(name=NAME, url=URL, ready=is_ready, failed=failed)
