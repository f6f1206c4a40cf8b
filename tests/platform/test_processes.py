"""Detached processes tracked by pid files: `down` stops exactly what `up` started."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dev.localplatform.paths import Layout
from dev.localplatform.processes import (
    is_alive,
    start_detached,
    stop_tracked,
    tracked_names,
    tracked_pid,
)

# A parent that starts a child in its own process group and then waits: stopping the parent
# must stop the child too.
PARENT_WITH_CHILD = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(60)\n"
)


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    layout = Layout(tmp_path)
    layout.ensure_dirs()
    return layout


def wait_for(predicate: object, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_records_the_pid_and_logs_the_output(layout: Layout, tmp_path: Path) -> None:
    pid = start_detached(
        layout,
        "talker",
        [
            sys.executable,
            "-c",
            "print('hello from talker', flush=True); import time; time.sleep(60)",
        ],
        cwd=tmp_path,
        env=dict(os.environ),
    )
    try:
        assert tracked_pid(layout, "talker") == pid
        assert tracked_names(layout) == ["talker"]
        assert wait_for(lambda: "hello from talker" in layout.log_file("talker").read_text())
    finally:
        stop_tracked(layout, "talker")


def test_runs_in_its_own_session(layout: Layout, tmp_path: Path) -> None:
    pid = start_detached(layout, "sleeper", ["sleep", "60"], cwd=tmp_path, env=dict(os.environ))
    try:
        assert os.getsid(pid) == pid
        assert os.getsid(pid) != os.getsid(0)
    finally:
        stop_tracked(layout, "sleeper")


def test_stop_ends_the_process_and_its_children(layout: Layout, tmp_path: Path) -> None:
    pid = start_detached(
        layout,
        "parent",
        [sys.executable, "-c", PARENT_WITH_CHILD],
        cwd=tmp_path,
        env=dict(os.environ),
    )
    assert wait_for(
        lambda: layout.log_file("parent").read_text().strip().splitlines()[-1].isdigit()
    )
    child = int(layout.log_file("parent").read_text().strip().splitlines()[-1])

    assert stop_tracked(layout, "parent") is True

    assert not is_alive(pid)
    assert not is_alive(child)
    assert not layout.pid_file("parent").exists()


def test_stop_leaves_untracked_processes_alone(layout: Layout) -> None:
    bystander = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        assert stop_tracked(layout, "never-started") is False
        assert is_alive(bystander.pid)
    finally:
        bystander.kill()
        bystander.wait()


def test_a_stale_pid_file_counts_as_not_running(layout: Layout) -> None:
    finished = subprocess.Popen(["true"])
    finished.wait()
    layout.pid_file("gone").write_text(f"{finished.pid}\n")

    assert tracked_pid(layout, "gone") is None
    assert stop_tracked(layout, "gone") is False
    assert not layout.pid_file("gone").exists()
