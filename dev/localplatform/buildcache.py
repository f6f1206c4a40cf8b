"""Builds kept outside the checkout, keyed by their inputs, so a fresh clone reuses them.

A build lives in `~/.cache/catalog-platform/<name>-<version>-<key>/` (or under
`$XDG_CACHE_HOME`): the key hashes the files it is built from and the build settings, so
changing any of them builds into a new directory and an unchanged input never rebuilds.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

KEY_LENGTH = 12


def cache_root(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "catalog-platform"


def content_key(files: Iterable[Path], settings: Iterable[str] = ()) -> str:
    """A short hash of the files' names and contents and of the build settings."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for setting in settings:
        digest.update(setting.encode() + b"\0")
    return digest.hexdigest()[:KEY_LENGTH]


def build_dir(name: str, version: str, key: str, root: Path | None = None) -> Path:
    return (root or cache_root()) / f"{name}-{version}-{key}"


def staging_dir(final: Path) -> Path:
    """An empty sibling directory to build into before `publish` moves it into place."""
    staging = final.with_name(f"{final.name}.staging-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def publish(staging: Path, final: Path) -> Path:
    """Moves a finished build into place (readers never see half a build)."""
    if final.exists():
        # Another `up` finished the same build first: its copy is as good as ours.
        shutil.rmtree(staging, ignore_errors=True)
        return final
    staging.rename(final)
    return final
