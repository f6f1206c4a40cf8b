"""Detached processes with pid files: the platform stops exactly what it started.

Every process is started in its own session, so its pid is also its process-group id and
`stop` can signal the whole group (e.g. uvicorn and its workers) without touching anything else.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from .paths import Layout


def start_detached(
    layout: Layout,
    name: str,
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
) -> int:
    """Starts `argv` in its own session, logging to .local/logs/<name>.log; returns its pid."""
    layout.ensure_dirs()
    log_path = layout.log_file(name)
    with log_path.open("ab") as log:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        log.write(f"\n=== {stamp} starting {name}: {' '.join(argv)}\n".encode())
        log.flush()
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    layout.pid_file(name).write_text(f"{process.pid}\n")
    return process.pid


def tracked_pid(layout: Layout, name: str) -> int | None:
    """The pid recorded for `name` if that process is still alive, else None."""
    try:
        pid = int(layout.pid_file(name).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if is_alive(pid) else None


def tracked_names(layout: Layout) -> list[str]:
    return sorted(path.stem for path in layout.pids.glob("*.pid"))


def is_alive(pid: int) -> bool:
    """True for a live, non-zombie process (a zombie has exited; nobody has reaped it yet)."""
    state = _proc_state(pid)
    return state is not None and state != "Z"


def stop_tracked(layout: Layout, name: str, *, timeout: float = 15.0) -> bool:
    """SIGTERM the tracked process group, wait, then SIGKILL; returns whether one was running."""
    pid_file = layout.pid_file(name)
    pid = tracked_pid(layout, name)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return False
    _signal_group(pid, signal.SIGTERM)
    if not _wait_for_group_exit(pid, timeout):
        _signal_group(pid, signal.SIGKILL)
        _wait_for_group_exit(pid, 5.0)
    pid_file.unlink(missing_ok=True)
    return True


def signal_tracked(layout: Layout, name: str, signum: signal.Signals) -> bool:
    pid = tracked_pid(layout, name)
    if pid is None:
        return False
    os.kill(pid, signum)
    return True


def log_tail(layout: Layout, name: str, lines: int = 30) -> str:
    try:
        content = layout.log_file(name).read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return "(no log)"
    return "\n".join(content[-lines:])


def _signal_group(pid: int, signum: signal.Signals) -> None:
    try:
        # Only signal the group when the process leads it, i.e. we started it in its own
        # session; otherwise (a reused pid) signal nothing but that one process.
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _wait_for_group_exit(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _live_group_members(pgid):
            return True
        time.sleep(0.1)
    return not _live_group_members(pgid)


def _live_group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _proc_stat_fields(int(entry.name))
        # After the command name: field 0 is the state, field 2 the process group.
        if fields is not None and fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def _proc_state(pid: int) -> str | None:
    fields = _proc_stat_fields(pid)
    return fields[0] if fields else None


def _proc_stat_fields(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name is in parentheses and may itself contain spaces or parentheses.
    return stat[stat.rfind(")") + 2 :].split()
