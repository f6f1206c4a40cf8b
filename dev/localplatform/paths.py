"""Where the local platform keeps its state: under `.local/` (gitignored), except the
generated secrets, which belong to the machine.

The Postgres cluster (and with it the database roles, the engine's users and the identity
service's accounts) is the machine's, shared by every checkout; so are the passwords that
open it. Kept per checkout, a `make up` in a second checkout re-applied its own passwords
and silently locked the first one out. They live in `~/.local/share/catalog-platform/secrets/`
(`$XDG_DATA_HOME`, or `$CATALOG_SECRETS_DIR`), adopted from a checkout's `.local/secrets/`
the first time.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def machine_secrets_dir(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if explicit := env.get("CATALOG_SECRETS_DIR"):
        return Path(explicit)
    data = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "catalog-platform" / "secrets"


@dataclass(frozen=True)
class Layout:
    """The on-disk layout of one checkout's local platform; ``secrets_dir`` None keeps the
    secrets in the checkout (tests)."""

    root: Path
    secrets_dir: Path | None = None

    @property
    def local(self) -> Path:
        return self.root / ".local"

    @property
    def pids(self) -> Path:
        return self.local / "pids"

    @property
    def logs(self) -> Path:
        return self.local / "logs"

    @property
    def secrets(self) -> Path:
        return self.secrets_dir or self.checkout_secrets

    @property
    def checkout_secrets(self) -> Path:
        return self.local / "secrets"

    @property
    def jwt_keys(self) -> Path:
        return self.secrets / "jwt"

    @property
    def edge(self) -> Path:
        return self.local / "edge"

    @property
    def env_file(self) -> Path:
        return self.local / "platform.env"

    @property
    def services(self) -> Path:
        return self.root / "services"

    @property
    def routes_file(self) -> Path:
        return self.root / "charts" / "catalog" / "files" / "routes.yaml"

    @property
    def venv_bin(self) -> Path:
        return self.root / ".venv" / "bin"

    def pid_file(self, name: str) -> Path:
        return self.pids / f"{name}.pid"

    def log_file(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def ensure_dirs(self) -> None:
        self.adopt_checkout_secrets()
        for directory in (self.pids, self.logs, self.secrets, self.edge):
            directory.mkdir(parents=True, exist_ok=True)
        self.secrets.chmod(0o700)

    def adopt_checkout_secrets(self) -> None:
        """The first time the machine's secrets are used, start from this checkout's (the
        passwords the shared Postgres cluster already has)."""
        if self.secrets == self.checkout_secrets or self.secrets.exists():
            return
        if self.checkout_secrets.is_dir() and any(self.checkout_secrets.iterdir()):
            self.secrets.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(self.checkout_secrets, self.secrets)


DEFAULT_LAYOUT = Layout(REPO_ROOT, secrets_dir=machine_secrets_dir())
