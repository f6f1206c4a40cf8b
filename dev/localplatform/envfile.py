"""`.local/platform.env`: the KEY=VALUE contract between the platform and the tests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def write_env_file(path: Path, values: Mapping[str, str]) -> bool:
    """Writes the file atomically (readers never see half of it); returns whether it changed."""
    content = "".join(f"{key}={value}\n" for key, value in values.items())
    if path.is_file() and path.read_text() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".env.tmp")
    # The file holds database passwords: owner-only, like the secrets it is derived from.
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(content)
    staging.replace(path)
    return True
