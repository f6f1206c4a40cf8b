"""The container engine: Debian's docker.io, started by the platform when nothing answers.

Machines here run no init system, so `dockerd` is started detached with its own data root
under the cache (the images survive between runs: they are the build cache) and without
touching the host's firewall (`--iptables=false`: nothing is published beyond loopback).
Where the host's capability bounding set lacks CAP_SYS_RESOURCE, privileged containers (a kind
node is one) cannot start under plain runc; dockerd then runs them through
k8s/docker/runc-wrapper, which drops that one capability from the container's spec.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from dev.localplatform.buildcache import cache_root
from dev.localplatform.commands import run, succeeds
from dev.localplatform.console import done, info, step
from dev.localplatform.errors import PlatformError
from dev.localplatform.installer import ensure_packages
from dev.localplatform.paths import REPO_ROOT

# Debian's CLI matches Debian's daemon (20.10); a newer CLI elsewhere on PATH would also
# work, but one pairing keeps error messages and flags predictable.
DOCKER = "/usr/bin/docker"
DOCKERD = "/usr/sbin/dockerd"
PACKAGES = {
    "docker.io": Path(DOCKERD),
    "debootstrap": Path("/usr/sbin/debootstrap"),
}
RUNC_WRAPPER_SOURCE = REPO_ROOT / "k8s" / "docker" / "runc-wrapper"
RUNTIME_NAME = "catalog-runc"
CAP_SYS_RESOURCE = 24
START_TIMEOUT = 60.0


def state_dir() -> Path:
    return cache_root() / "docker"


def run_dir() -> Path:
    return Path("/run/catalog-docker")


def env() -> dict[str, str]:
    """The environment for docker and kind: Debian's CLI first on PATH."""
    path = os.environ.get("PATH", "")
    return {**os.environ, "PATH": f"/usr/bin:/usr/sbin:{path}"}


def answers() -> bool:
    return succeeds([DOCKER, "info", "--format", "{{.ServerVersion}}"], timeout=20)


def host_lacks_sys_resource() -> bool:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("CapBnd:"):
            return not (int(line.split()[1], 16) >> CAP_SYS_RESOURCE) & 1
    return False


def dockerd_command() -> list[str]:
    data = state_dir()
    runtime = run_dir()
    command = [
        DOCKERD,
        f"--data-root={data / 'data'}",
        f"--exec-root={runtime / 'exec'}",
        f"--pidfile={runtime / 'dockerd.pid'}",
        "--iptables=false",
        "--ip-forward=false",
        "--ip-masq=false",
        "--storage-driver=overlay2",
        "--exec-opt=native.cgroupdriver=cgroupfs",
    ]
    if host_lacks_sys_resource():
        wrapper = data / "runc-wrapper"
        command += [f"--add-runtime={RUNTIME_NAME}={wrapper}", f"--default-runtime={RUNTIME_NAME}"]
    return command


def ensure_running() -> None:
    """Installs docker.io and debootstrap when missing and starts dockerd if none answers."""
    ensure_packages(PACKAGES)
    if answers():
        return
    if os.geteuid() != 0:
        raise PlatformError("dockerd is not running and starting it needs root")
    data = state_dir()
    data.mkdir(parents=True, exist_ok=True)
    run_dir().mkdir(parents=True, exist_ok=True)
    # A copy outside the checkout: the daemon outlives the clone that started it.
    shutil.copy2(RUNC_WRAPPER_SOURCE, data / "runc-wrapper")
    step("starting dockerd")
    log = (data / "dockerd.log").open("ab")
    subprocess.Popen(
        dockerd_command(),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if answers():
            done("dockerd started")
            return
        time.sleep(0.5)
    raise PlatformError(
        f"dockerd did not answer within {START_TIMEOUT:.0f}s; see {data / 'dockerd.log'}"
    )


def stop() -> None:
    """Stops the dockerd this platform started (the images stay in its data root)."""
    pid_file = run_dir() / "dockerd.pid"
    if not pid_file.is_file():
        info("dockerd was not started by the platform: left running")
        return
    pid = int(pid_file.read_text().strip() or 0)
    if pid <= 0:
        return
    step("stopping dockerd")
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.3)
    done("dockerd stopped")


def docker(
    *args: str, timeout: float = 600, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return run([DOCKER, *args], env=env(), timeout=timeout, check=check)


def image_exists(reference: str) -> bool:
    return docker("image", "inspect", "--format", "{{.Id}}", reference, check=False).returncode == 0


def image_id(reference: str) -> str:
    return docker("image", "inspect", "--format", "{{.Id}}", reference).stdout.strip()
