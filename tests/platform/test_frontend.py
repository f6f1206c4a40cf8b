"""The web UI as `up` installs, builds and runs it: when npm ci and next build run (and when
they do not), where the build goes, and the server's command line (no network, no Node)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from dev.localplatform import frontend
from dev.localplatform.errors import PlatformError
from dev.localplatform.paths import Layout


class FakeNpm:
    """Stands in for `commands.run`: records each command and does what npm would."""

    def __init__(self, node_version: str = "v20.20.2", standalone: bool = True) -> None:
        self.node_version = node_version
        self.standalone = standalone
        self.calls: list[list[str]] = []

    def __call__(
        self, argv: Sequence[str], *, cwd: Path | None = None, **_: Any
    ) -> subprocess.CompletedProcess[str]:
        command = list(argv)
        if command == ["node", "--version"]:
            return subprocess.CompletedProcess(command, 0, f"{self.node_version}\n", "")
        self.calls.append(command)
        assert cwd is not None
        if command == ["npm", "ci"]:
            (cwd / "node_modules" / "next").mkdir(parents=True, exist_ok=True)
        elif command == ["npm", "run", "build"] and self.standalone:
            shutil.rmtree(cwd / ".next", ignore_errors=True)  # next build starts afresh
            server = cwd / ".next" / "standalone"
            (server / ".next").mkdir(parents=True)
            (server / "server.js").write_text("// the server\n")
            (server / ".next" / "BUILD_ID").write_text("build-1\n")
            (cwd / ".next" / "static" / "chunks").mkdir(parents=True)
            (cwd / ".next" / "static" / "chunks" / "app.js").write_text("// a chunk\n")
        return subprocess.CompletedProcess(command, 0, "", "")


@pytest.fixture
def npm(monkeypatch: pytest.MonkeyPatch) -> FakeNpm:
    fake = FakeNpm()
    monkeypatch.setattr(frontend, "run", fake)
    monkeypatch.setattr(frontend.shutil, "which", lambda name: f"/usr/bin/{name}")
    return fake


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A small frontend/: sources, a lockfile, public/, and what npm and Next leave behind."""
    root = tmp_path / "frontend"
    (root / "src" / "app").mkdir(parents=True)
    (root / "public").mkdir()
    (root / "package.json").write_text(json.dumps({"name": "web", "version": "1.2.3"}))
    (root / "package-lock.json").write_text('{"lockfileVersion": 3}\n')
    (root / "src" / "app" / "page.tsx").write_text("export default function Page() {}\n")
    (root / "public" / "robots.txt").write_text("User-agent: *\n")
    return root


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_source_files_leave_out_what_npm_and_next_generate(app: Path) -> None:
    (app / "node_modules" / "react").mkdir(parents=True)
    (app / "node_modules" / "react" / "index.js").write_text("")
    (app / ".next" / "cache").mkdir(parents=True)
    (app / ".next" / "BUILD_ID").write_text("x")
    (app / "tsconfig.tsbuildinfo").write_text("{}")
    (app / "npm-debug.log").write_text("")

    files = [str(path.relative_to(app)) for path in frontend.source_files(app)]

    assert files == ["package-lock.json", "package.json", "public/robots.txt", "src/app/page.tsx"]


def test_the_build_is_keyed_by_the_sources_where_they_sit_and_nodes_major(
    app: Path, cache: Path
) -> None:
    first = frontend.build_for(app, 20, cache)
    again = frontend.build_for(app, 20, cache)
    other_node = frontend.build_for(app, 22, cache)
    (app / "src" / "app" / "page.tsx").write_text("export default function Page() { return 1 }\n")
    edited = frontend.build_for(app, 20, cache)
    (app / "src" / "app" / "page.tsx").rename(app / "src" / "page.tsx")
    moved = frontend.build_for(app, 20, cache)

    assert first == again
    assert first.directory.parent == cache
    assert first.directory.name.startswith("frontend-1.2.3-")
    assert len({first, other_node, edited, moved}) == 4


def test_npm_ci_runs_once_per_lockfile(app: Path, npm: FakeNpm, cache: Path) -> None:
    installed = frontend.ensure_dependencies(app, cache)
    unchanged = frontend.ensure_dependencies(app, cache)
    (app / "package-lock.json").write_text('{"lockfileVersion": 3, "packages": {}}\n')
    changed = frontend.ensure_dependencies(app, cache)

    assert (installed, unchanged, changed) == (True, False, True)
    assert npm.calls == [["npm", "ci"], ["npm", "ci"]]


def test_npm_ci_runs_again_for_another_major_version_of_node(
    app: Path, npm: FakeNpm, cache: Path
) -> None:
    frontend.ensure_dependencies(app, cache)
    npm.node_version = "v22.1.0"

    assert frontend.ensure_dependencies(app, cache) is True
    assert npm.calls == [["npm", "ci"], ["npm", "ci"]]


def test_a_fresh_clone_copies_the_cached_install_of_its_lockfile(
    app: Path, npm: FakeNpm, cache: Path
) -> None:
    frontend.ensure_dependencies(app, cache)
    shutil.rmtree(app / "node_modules")  # a fresh clone of the same sources

    copied = frontend.ensure_dependencies(app, cache)
    again = frontend.ensure_dependencies(app, cache)

    assert (copied, again) == (True, False)
    assert npm.calls == [["npm", "ci"]]
    assert (app / "node_modules" / "next").is_dir()


def test_only_the_newest_cached_installs_are_kept(app: Path, npm: FakeNpm, cache: Path) -> None:
    for version in range(frontend.KEEP_BUILDS + 2):
        (app / "package-lock.json").write_text(f'{{"lockfileVersion": 3, "v": {version}}}\n')
        frontend.ensure_dependencies(app, cache)
    current = frontend.install_key(app, 20)

    kept = sorted(path.name for path in cache.glob("npm-install-frontend-*"))

    assert len(kept) == frontend.KEEP_BUILDS
    assert f"npm-install-frontend-{current}" in kept


def test_a_missing_lockfile_is_an_error(app: Path, npm: FakeNpm, cache: Path) -> None:
    (app / "package-lock.json").unlink()

    with pytest.raises(PlatformError, match=r"package-lock\.json is missing"):
        frontend.ensure_dependencies(app, cache)


def test_node_older_than_20_is_refused(app: Path, npm: FakeNpm, cache: Path) -> None:
    npm.node_version = "v18.19.0"

    with pytest.raises(PlatformError, match=r"Node\.js 20 or newer, found v18\.19\.0"):
        frontend.ensure_dependencies(app, cache)


def test_a_cold_build_installs_builds_and_caches_a_standalone_server(
    app: Path, cache: Path, npm: FakeNpm
) -> None:
    build = frontend.ensure_build(app, cache)

    assert npm.calls == [["npm", "ci"], ["npm", "run", "build"]]
    assert build.complete()
    assert build == frontend.build_for(app, 20, cache)
    assert (build.directory / ".next" / "static" / "chunks" / "app.js").is_file()
    assert (build.directory / "public" / "robots.txt").is_file()
    # The build and the install it was built with; no staging left.
    install = f"npm-install-frontend-{frontend.install_key(app, 20)}"
    assert sorted(path.name for path in cache.iterdir()) == sorted([build.directory.name, install])


def test_a_warm_build_runs_nothing(app: Path, cache: Path, npm: FakeNpm) -> None:
    first = frontend.ensure_build(app, cache)
    npm.calls.clear()

    second = frontend.ensure_build(app, cache)

    assert second == first
    assert npm.calls == []


def test_a_build_without_standalone_output_is_an_error(
    app: Path, cache: Path, npm: FakeNpm
) -> None:
    npm.standalone = False

    with pytest.raises(PlatformError, match='output: "standalone"'):
        frontend.ensure_build(app, cache)


def test_pruning_keeps_the_newest_builds_and_the_one_in_use(cache: Path) -> None:
    builds = []
    for age, name in enumerate(["frontend-1-a", "frontend-1-b", "frontend-1-c", "frontend-1-d"]):
        path = cache / name
        path.mkdir(parents=True)
        stamp = 1_000_000 - age * 1000  # a is the newest, d the oldest
        os.utime(path, (stamp, stamp))
        builds.append(path)
    (cache / "camunda-7-x").mkdir()
    in_use = frontend.Build(builds[3])

    removed = frontend.prune_builds(keep=in_use, root=cache, count=2)

    assert removed == [builds[2]]
    assert sorted(path.name for path in cache.iterdir()) == [
        "camunda-7-x",
        "frontend-1-a",
        "frontend-1-b",
        "frontend-1-d",
    ]


def test_the_server_runs_from_the_cache_on_loopback_without_telemetry(cache: Path) -> None:
    build = frontend.Build(cache / "frontend-1-abc")

    env = frontend.process_env({"PATH": "/usr/bin", "PORT": "9999", "HOSTNAME": "box"})

    assert frontend.command(build) == ["node", str(cache / "frontend-1-abc" / "server.js")]
    assert env["HOSTNAME"] == "127.0.0.1"
    assert env["PORT"] == "3000"
    assert env["NODE_ENV"] == "production"
    assert env["NEXT_TELEMETRY_DISABLED"] == "1"
    assert env["PATH"] == "/usr/bin"


class FakeProcesses:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, running: bool) -> None:
        self.running = running
        self.started: list[list[str]] = []
        self.stopped: list[str] = []
        monkeypatch.setattr(
            frontend, "tracked_pid", lambda _layout, _name: 4242 if self.running else None
        )
        monkeypatch.setattr(frontend, "start_detached", self.start)
        monkeypatch.setattr(frontend, "stop_tracked", self.stop)
        monkeypatch.setattr(frontend, "port_open", lambda _port: False)

    def start(self, _layout: Layout, name: str, argv: Sequence[str], **_: Any) -> int:
        self.started.append(list(argv))
        self.running = True
        return 4242

    def stop(self, _layout: Layout, name: str) -> bool:
        self.stopped.append(name)
        self.running = False
        return True


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    layout = Layout(tmp_path / "checkout")
    layout.local.mkdir(parents=True)
    return layout


def test_starts_the_current_build_and_remembers_which(
    app: Path, cache: Path, layout: Layout, npm: FakeNpm, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache.parent))
    processes = FakeProcesses(monkeypatch, running=False)

    assert frontend.start_if_needed(layout, app) is True

    build = frontend.serving(layout)
    assert build is not None and build.parent == cache.parent / "catalog-platform"
    assert processes.started == [["node", str(build / "server.js")]]


def test_a_running_server_on_the_current_build_is_left_alone(
    app: Path, cache: Path, layout: Layout, npm: FakeNpm, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache.parent))
    processes = FakeProcesses(monkeypatch, running=False)
    frontend.start_if_needed(layout, app)
    processes.started.clear()

    frontend.start_if_needed(layout, app)

    assert processes.started == []
    assert processes.stopped == []


def test_a_running_server_on_an_old_build_is_restarted_on_the_new_one(
    app: Path, cache: Path, layout: Layout, npm: FakeNpm, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache.parent))
    processes = FakeProcesses(monkeypatch, running=False)
    frontend.start_if_needed(layout, app)
    old = frontend.serving(layout)
    (app / "src" / "app" / "page.tsx").write_text("export default function Page() { return 2 }\n")

    frontend.start_if_needed(layout, app)

    assert processes.stopped == [frontend.NAME]
    assert len(processes.started) == 2
    assert frontend.serving(layout) not in (None, old)


def test_without_a_frontend_nothing_is_built_or_started(
    tmp_path: Path, layout: Layout, npm: FakeNpm, monkeypatch: pytest.MonkeyPatch
) -> None:
    processes = FakeProcesses(monkeypatch, running=False)

    assert frontend.start_if_needed(layout, tmp_path / "nowhere") is False
    assert npm.calls == []
    assert processes.started == []
