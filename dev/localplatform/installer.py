"""Installs what the platform needs when it is missing (Debian packages, the Zipkin jar)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from .commands import run
from .console import done, step
from .errors import PlatformError

ZIPKIN_VERSION = "3.6.1"
ZIPKIN_JAR = (
    Path.home()
    / ".m2/repository/io/zipkin/zipkin-server"
    / ZIPKIN_VERSION
    / f"zipkin-server-{ZIPKIN_VERSION}-exec.jar"
)

# Debian package -> a file that exists once it is installed.
_PACKAGES = {
    "postgresql": Path("/usr/bin/pg_ctlcluster"),
    "rabbitmq-server": Path("/usr/sbin/rabbitmq-server"),
    "nginx": Path("/usr/sbin/nginx"),
    # The browser the web UI's end-to-end tests drive (tests/ui); no browser is downloaded.
    "chromium": Path("/usr/bin/chromium"),
    # Run by the platform with its own configuration (dev/localplatform/prometheus.py).
    "prometheus": Path("/usr/bin/prometheus"),
    # The log shipper (dev/localplatform/logship.py): rsyslog with its Elasticsearch output,
    # run with the platform's own configuration beside the machine's system logger.
    "rsyslog": Path("/usr/sbin/rsyslogd"),
    "rsyslog-elasticsearch": Path("/usr/lib/x86_64-linux-gnu/rsyslog/omelasticsearch.so"),
}
# Packages whose Debian service must not run: the platform starts them itself.
_OWN_SERVICES = ("prometheus",)
_APT_LISTS = Path("/var/lib/apt/lists")


def ensure_system_packages() -> set[str]:
    """Installs the platform's missing Debian packages; returns the names of those it installed."""
    installed = ensure_packages(_PACKAGES)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for service in _OWN_SERVICES:
        if service in installed:
            # The package starts its own instance on the port the platform's uses.
            run(["service", service, "stop"], env=env, timeout=60, check=False)
    return installed


def ensure_packages(packages: Mapping[str, Path]) -> set[str]:
    """Installs those of `packages` (name -> a file it provides) that are missing; returns the
    names installed."""
    missing = [package for package, marker in packages.items() if not marker.exists()]
    if not missing:
        return set()
    if os.geteuid() != 0:
        raise PlatformError(
            f"missing packages {', '.join(missing)}; run as root or install them:"
            f" apt-get install -y {' '.join(missing)}"
        )
    step(f"installing {', '.join(missing)} (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if not _has_package_lists():
        run(["apt-get", "update"], env=env, timeout=600)
        run(install, env=env, timeout=1200)
    elif run(install, env=env, timeout=1200, check=False).returncode != 0:
        # Stale lists point at package versions the mirror no longer has: refresh once.
        run(["apt-get", "update"], env=env, timeout=600)
        run(install, env=env, timeout=1200)
    done(f"installed {', '.join(missing)}")
    return set(missing)


def ensure_zipkin_jar() -> Path:
    if ZIPKIN_JAR.is_file():
        return ZIPKIN_JAR
    if shutil.which("mvn") is None:
        raise PlatformError("Maven (mvn) is needed once to fetch the Zipkin server jar")
    step(f"fetching zipkin-server {ZIPKIN_VERSION} (Maven Central)")
    run(
        [
            "mvn",
            "-q",
            "-B",
            "dependency:get",
            f"-Dartifact=io.zipkin:zipkin-server:{ZIPKIN_VERSION}:jar:exec",
            "-Dtransitive=false",
        ],
        timeout=900,
    )
    if not ZIPKIN_JAR.is_file():
        raise PlatformError(f"Maven finished but {ZIPKIN_JAR} is missing")
    done("zipkin-server jar fetched")
    return ZIPKIN_JAR


def _has_package_lists() -> bool:
    return _APT_LISTS.is_dir() and any(_APT_LISTS.glob("*_Packages*"))
