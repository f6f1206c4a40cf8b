"""The web UI: the Next.js app in `frontend/`, built once per change and run as one process.

- Dependencies: `npm ci` from the committed package-lock.json, only when the lockfile (or
  Node's major version) changed since the last install: a stamp in `node_modules` holds the
  key it was installed for. A copy of each install is kept in the cache outside the
  checkout, keyed the same way, so a fresh clone copies it instead of installing again.
- Build: `next build` with `output: "standalone"` emits a self-contained server; it is
  copied, with the static assets, into the cache outside the checkout (buildcache.py), keyed
  by a hash of every source file under `frontend/`. An unchanged checkout, or a fresh clone
  of the same sources, starts the cached build without building (or installing) anything.
- Run: `node server.js` of that build (what `next start` serves, without needing
  `node_modules`), on 127.0.0.1:3000 only, as the tracked process `frontend`; the edge routes
  `/` to it. A running server whose build is no longer current is restarted on the new one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .buildcache import build_dir, cache_root, content_key, publish, staging_dir
from .commands import run
from .console import done, info, step
from .errors import PlatformError
from .paths import REPO_ROOT, Layout
from .probes import Readiness, http_ok, port_open
from .processes import log_tail, start_detached, stop_tracked, tracked_pid

NAME = "frontend"
HOST = "127.0.0.1"
PORT = 3000
URL = f"http://{HOST}:{PORT}"
SOURCE_DIR = REPO_ROOT / "frontend"
LOCKFILE = "package-lock.json"
# In node_modules: the key of the lockfile it was installed from.
INSTALL_STAMP = ".catalog-npm-ci"
# Never part of the build's inputs: what npm and Next write, and editor/OS litter.
GENERATED = frozenset({"node_modules", ".next", "out", ".turbo", ".DS_Store"})
GENERATED_SUFFIXES = (".tsbuildinfo", ".log")
MIN_NODE_MAJOR = 20
KEEP_BUILDS = 3
INSTALL_TIMEOUT = 900.0
BUILD_TIMEOUT = 900.0
# What every npm and Next command here runs with: no telemetry, no update checks, no audit
# (the machines reach the registry only, and a build must not depend on anything else).
QUIET_ENV = {
    "NEXT_TELEMETRY_DISABLED": "1",
    "npm_config_update_notifier": "false",
    "npm_config_fund": "false",
    "npm_config_audit": "false",
}


# ---------------------------------------------------------------------------------------------
# node and npm


def present(source_dir: Path = SOURCE_DIR) -> bool:
    """The UI is part of the platform once `frontend/package.json` exists."""
    return (source_dir / "package.json").is_file()


def node_major() -> int:
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise PlatformError(
            f"node and npm (Node.js {MIN_NODE_MAJOR} or newer) are needed for the web UI"
        )
    version = run(["node", "--version"], timeout=30).stdout.strip()
    try:
        major = int(version.lstrip("v").split(".")[0])
    except ValueError as error:
        raise PlatformError(f"cannot read the Node.js version from {version!r}") from error
    if major < MIN_NODE_MAJOR:
        raise PlatformError(f"the web UI needs Node.js {MIN_NODE_MAJOR} or newer, found {version}")
    return major


def npm_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    return {**(os.environ if environ is None else environ), **QUIET_ENV}


def install_key(source_dir: Path, major: int) -> str:
    """What node_modules is installed from: the lockfile, for one major version of Node."""
    return content_key([source_dir / LOCKFILE], [f"node{major}"])


def dependencies_current(source_dir: Path, key: str) -> bool:
    stamp = source_dir / "node_modules" / INSTALL_STAMP
    return stamp.is_file() and stamp.read_text().strip() == key


def ensure_dependencies(source_dir: Path = SOURCE_DIR, cache: Path | None = None) -> bool:
    """`npm ci` unless node_modules was installed from this very lockfile, or a copy of the
    cached install of it (`cache`: the machine's build cache); returns whether it installed."""
    if not (source_dir / LOCKFILE).is_file():
        raise PlatformError(f"{source_dir / LOCKFILE} is missing: run `npm install` and commit it")
    key = install_key(source_dir, node_major())
    if dependencies_current(source_dir, key):
        return False
    started = time.monotonic()
    installed = source_dir / "node_modules"
    cached = build_dir("npm-install", NAME, key, root=cache or cache_root())
    if cached.is_dir():
        # What `npm ci` of this lockfile installed before, on this machine (a fresh clone).
        step("copying the web UI's dependencies from the cache")
        shutil.rmtree(installed, ignore_errors=True)
        shutil.copytree(cached, installed, symlinks=True)
        os.utime(cached)  # in use: the newest, as far as pruning is concerned
        done(f"node_modules copied in {time.monotonic() - started:.0f}s")
        return True
    step("installing the web UI's dependencies (npm ci)")
    run(["npm", "ci"], cwd=source_dir, env=npm_env(), timeout=INSTALL_TIMEOUT)
    (installed / INSTALL_STAMP).write_text(f"{key}\n")
    done(f"npm ci in {time.monotonic() - started:.0f}s")
    staging = staging_dir(cached)
    shutil.copytree(installed, staging, symlinks=True, dirs_exist_ok=True)
    publish(staging, cached)
    prune_installs(keep=cached)
    return True


def prune_installs(keep: Path, count: int = KEEP_BUILDS) -> list[Path]:
    """Drops all but the `count` newest cached installs (never `keep`); returns those
    dropped."""
    installs = sorted(
        (path for path in keep.parent.glob(f"npm-install-{NAME}-*") if path != keep),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    dropped = [path for path in installs[count - 1 :] if ".staging-" not in path.name]
    for path in dropped:
        shutil.rmtree(path, ignore_errors=True)
    return dropped


def check(source_dir: Path = SOURCE_DIR) -> int:
    """`npm run check` (tsc --noEmit and eslint), installing the dependencies first if needed;
    its output goes straight to the terminal. Returns its exit code."""
    ensure_dependencies(source_dir)
    command = ["npm", "run", "--silent", "check"]
    return subprocess.run(command, cwd=source_dir, env=npm_env(), check=False).returncode


# ---------------------------------------------------------------------------------------------
# build


def source_files(source_dir: Path = SOURCE_DIR) -> list[Path]:
    """Every file the build reads: all of `frontend/` but what npm and Next generate."""
    files = []
    for directory, subdirectories, names in os.walk(source_dir):
        subdirectories[:] = sorted(name for name in subdirectories if name not in GENERATED)
        for name in sorted(names):
            if name not in GENERATED and not name.endswith(GENERATED_SUFFIXES):
                files.append(Path(directory) / name)
    return files


def app_version(source_dir: Path) -> str:
    package = json.loads((source_dir / "package.json").read_text())
    return str(package.get("version") or "0")


@dataclass(frozen=True)
class Build:
    """A standalone Next.js server: server.js, its traced node_modules, .next, public/."""

    directory: Path

    @property
    def server(self) -> Path:
        return self.directory / "server.js"

    def complete(self) -> bool:
        return (
            self.server.is_file()
            and (self.directory / ".next" / "BUILD_ID").is_file()
            and (self.directory / ".next" / "static").is_dir()
        )


def build_for(source_dir: Path, major: int, root: Path | None = None) -> Build:
    """Where the build of these sources for this Node major version lives (whether or not
    it exists yet)."""
    files = source_files(source_dir)
    # content_key hashes file names, not where they sit: add each file's relative path.
    settings = [f"node{major}", *(str(path.relative_to(source_dir)) for path in files)]
    key = content_key(files, settings)
    return Build(build_dir(NAME, app_version(source_dir), key, root))


def ensure_build(source_dir: Path = SOURCE_DIR, root: Path | None = None) -> Build:
    """The cached build of these sources, built first (npm ci if needed, next build) when
    they have never been built."""
    build = build_for(source_dir, node_major(), root)
    if build.complete():
        os.utime(build.directory)  # in use: the newest, as far as pruning is concerned
        return build
    ensure_dependencies(source_dir, root)
    step("building the web UI (next build)")
    started = time.monotonic()
    run(["npm", "run", "build"], cwd=source_dir, env=npm_env(), timeout=BUILD_TIMEOUT)
    output = source_dir / ".next"
    if not (output / "standalone" / "server.js").is_file():
        raise PlatformError(
            "next build finished without .next/standalone/server.js: "
            'frontend/next.config.ts must keep `output: "standalone"`'
        )
    shutil.rmtree(build.directory, ignore_errors=True)  # an incomplete earlier attempt
    staged = staging_dir(build.directory)
    shutil.copytree(output / "standalone", staged, symlinks=True, dirs_exist_ok=True)
    # The standalone server serves the static assets and public/ from beside itself.
    shutil.copytree(output / "static", staged / ".next" / "static")
    if (source_dir / "public").is_dir():
        shutil.copytree(source_dir / "public", staged / "public")
    publish(staged, build.directory)
    done(f"web UI built in {time.monotonic() - started:.0f}s ({build.directory})")
    prune_builds(keep=build, root=root)
    return build


def prune_builds(keep: Build, root: Path | None = None, count: int = KEEP_BUILDS) -> list[Path]:
    """Removes all but the newest `count` cached builds (never `keep`); returns what went.
    A build is tens of megabytes and every change to the UI makes one."""
    builds = sorted(
        (path for path in (root or cache_root()).glob(f"{NAME}-*") if path.is_dir()),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    removed = []
    for path in builds[count:]:
        if path != keep.directory and ".staging-" not in path.name:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


# ---------------------------------------------------------------------------------------------
# process


def command(build: Build) -> list[str]:
    return ["node", str(build.server)]


def process_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's environment: loopback only (the edge is its only client)."""
    return {
        **npm_env(environ),
        "NODE_ENV": "production",
        "HOSTNAME": HOST,
        "PORT": str(PORT),
    }


def serving_file(layout: Layout) -> Path:
    """Which build the running server serves (a changed UI restarts it on the new build)."""
    return layout.local / f"{NAME}.build"


def serving(layout: Layout) -> Path | None:
    try:
        return Path(serving_file(layout).read_text().strip())
    except FileNotFoundError:
        return None


def is_ready() -> bool:
    return http_ok(f"{URL}/")


def start_if_needed(layout: Layout, source_dir: Path = SOURCE_DIR) -> bool:
    """Builds (when the sources changed) and starts the UI detached; does not wait for it.
    Returns whether the platform runs it (False: no frontend/, or someone else's server)."""
    if not present(source_dir):
        return False
    build = ensure_build(source_dir)
    if tracked_pid(layout, NAME) is not None:
        if serving(layout) == build.directory:
            return True
        step("the web UI changed: restarting it on the new build")
        stop_tracked(layout, NAME)
    elif port_open(PORT):
        if is_ready():
            info(f"something already answers on {PORT} (`npm run dev`?): adopted as the web UI")
            return False
        raise PlatformError(f"port {PORT} is in use by something that is not the web UI; stop it")
    step("starting the web UI")
    start_detached(layout, NAME, command(build), cwd=build.directory, env=process_env())
    serving_file(layout).write_text(f"{build.directory}\n")
    return True


def readiness(layout: Layout) -> Readiness:
    def failed() -> str | None:
        if tracked_pid(layout, NAME) is None and not is_ready():
            tail = log_tail(layout, NAME, lines=20)
            return f"the process exited; {layout.log_file(NAME)} ends with:\n{tail}"
        return None

    return Readiness(name=NAME, url=URL, ready=is_ready, failed=failed)
