"""The cluster tools (kind, kubectl, helm), built from the Go module proxy and cached.

k8s/build/binaries.sh builds them with the Kubernetes components the node image is made of;
the cache directory is keyed by k8s/build/versions.env, so a fresh clone reuses a previous
build and a version change builds anew (≈ 15-45 min cold on 2 cores, seconds warm).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from dev.localplatform.buildcache import cache_root
from dev.localplatform.commands import run
from dev.localplatform.console import done, step
from dev.localplatform.errors import PlatformError
from dev.localplatform.paths import REPO_ROOT

from . import docker

BUILD_DIR = REPO_ROOT / "k8s" / "build"
VERSIONS_FILE = BUILD_DIR / "versions.env"
BINARIES_TIMEOUT = 3 * 3600.0
CLUSTER = os.environ.get("CATALOG_CLUSTER", "catalog")
NAMESPACE = "catalog"


def versions() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in VERSIONS_FILE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key] = value
    return values


def binaries_dir() -> Path:
    key = hashlib.sha256(VERSIONS_FILE.read_bytes()).hexdigest()[:12]
    return cache_root() / f"kube-binaries-{key}"


def ensure_binaries() -> Path:
    directory = binaries_dir()
    if (directory / "bin" / "helm").is_file():
        return directory
    step("building kind, kubectl, helm and the Kubernetes components (Go, cached; 15-45 min cold)")
    run(["bash", str(BUILD_DIR / "binaries.sh"), str(directory)], timeout=BINARIES_TIMEOUT)
    done(f"binaries in {directory}")
    return directory


TILT_SCRIPT = BUILD_DIR / "tilt.sh"


def tilt_dir() -> Path:
    key = hashlib.sha256(TILT_SCRIPT.read_bytes()).hexdigest()[:12]
    return cache_root() / f"tilt-{key}"


def ensure_tilt() -> str:
    """The tilt binary (built once, ≈ 6 min cold: cgo)."""
    directory = tilt_dir()
    if not (directory / "tilt").is_file():
        step("building tilt (Go, cached; ≈ 6 min cold)")
        run(["bash", str(TILT_SCRIPT), str(directory)], timeout=BINARIES_TIMEOUT)
        done(f"tilt in {directory}")
    return str(directory / "tilt")


def tool(name: str) -> str:
    return str(binaries_dir() / "bin" / name)


def kubeconfig() -> Path:
    return cache_root() / f"kind-{CLUSTER}.kubeconfig"


def env() -> dict[str, str]:
    return {
        **docker.env(),
        "KUBECONFIG": str(kubeconfig()),
        # Helm's caches and repositories: never the user's (nothing is downloaded anyway).
        "HELM_CACHE_HOME": str(cache_root() / "helm" / "cache"),
        "HELM_CONFIG_HOME": str(cache_root() / "helm" / "config"),
        "HELM_DATA_HOME": str(cache_root() / "helm" / "data"),
    }


def tools_env() -> dict[str, str]:
    """`env()` with the cluster's own kubectl, helm and kind first on PATH (for tools that
    call them: tilt, pytest-kubernetes)."""
    base = env()
    return {**base, "PATH": f"{binaries_dir() / 'bin'}:{base['PATH']}"}


def kubectl(
    *args: str, input_text: str | None = None, timeout: float = 300, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return run(
        [tool("kubectl"), *args], input_text=input_text, env=env(), timeout=timeout, check=check
    )


def helm(*args: str, timeout: float = 900, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run([tool("helm"), *args], env=env(), timeout=timeout, check=check)


def kind(*args: str, timeout: float = 900, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run([tool("kind"), *args], env=env(), timeout=timeout, check=check)


def require_cluster() -> None:
    if CLUSTER not in kind("get", "clusters").stdout.split():
        raise PlatformError(f"no kind cluster {CLUSTER!r}: run `make cluster-up` first")


def argv_for(args: Sequence[str]) -> list[str]:
    """A kubectl command line with this cluster's kubeconfig (for printing to users)."""
    return [tool("kubectl"), f"--kubeconfig={kubeconfig()}", *args]
