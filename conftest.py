"""Gives every test the local platform's settings from .local/platform.env.

Variables already set in the environment win, so CI or a developer can point tests elsewhere.
"""

import os
from pathlib import Path

_PLATFORM_ENV = Path(__file__).resolve().parent / ".local" / "platform.env"


def _load_platform_env() -> None:
    if not _PLATFORM_ENV.is_file():
        return
    for line in _PLATFORM_ENV.read_text().splitlines():
        key, separator, value = line.partition("=")
        if separator and key.strip() and not key.lstrip().startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


_load_platform_env()
