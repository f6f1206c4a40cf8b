"""Running short-lived system commands with their output kept for error messages."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from .errors import PlatformError


def run(
    argv: Sequence[str],
    *,
    input_text: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 300,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Runs a command to completion without a terminal; raises PlatformError if it fails."""
    try:
        result = subprocess.run(
            list(argv),
            input=input_text if input_text is not None else "",
            capture_output=True,
            text=True,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as error:
        raise PlatformError(f"command not found: {argv[0]}") from error
    except subprocess.TimeoutExpired as error:
        raise PlatformError(f"`{' '.join(argv)}` did not finish within {timeout:.0f}s") from error
    if check and result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-3000:]
        raise PlatformError(f"`{' '.join(argv)}` exited with {result.returncode}:\n{output}")
    return result


def succeeds(argv: Sequence[str], *, timeout: float = 30) -> bool:
    if shutil.which(argv[0]) is None:
        return False
    try:
        result = subprocess.run(list(argv), capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return False
    return result.returncode == 0
