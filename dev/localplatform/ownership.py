"""Records which system services `up` started, so `down` stops only those.

Postgres and RabbitMQ may already be running (started by hand or by the OS); `up` adopts
them and `down` leaves them alone. A marker file in .local/pids/ means "we started it".
"""

from __future__ import annotations

from pathlib import Path

from .paths import Layout


def _marker(layout: Layout, component: str) -> Path:
    return layout.pids / f"{component}.started-by-platform"


def record_started(layout: Layout, component: str) -> None:
    layout.pids.mkdir(parents=True, exist_ok=True)
    _marker(layout, component).write_text("started by `dev/platform.py up`\n")


def started_by_platform(layout: Layout, component: str) -> bool:
    return _marker(layout, component).is_file()


def forget(layout: Layout, component: str) -> None:
    _marker(layout, component).unlink(missing_ok=True)
