"""Where the local platform keeps its state: everything lives under `.local/` (gitignored)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Layout:
    """The on-disk layout of one checkout's local platform."""

    root: Path

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
        for directory in (self.pids, self.logs, self.secrets, self.edge):
            directory.mkdir(parents=True, exist_ok=True)
        self.secrets.chmod(0o700)


DEFAULT_LAYOUT = Layout(REPO_ROOT)
