"""The identity service's settings (environment variables; see the chassis for the rest)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from catalog_chassis.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    # Identity publishes and consumes no events: its chart gives it no RABBITMQ_URL.
    unused_settings: ClassVar[frozenset[str]] = frozenset({"rabbitmq_url"})

    service_name: str = "identity"
    port: int = 8001
    # -- PEM file with the current RS256 private key (a mounted Secret in Kubernetes).
    jwt_private_key_file: Path
    # -- Comma-separated PEM files of previous public keys kept in the JWKS after a rotation.
    jwt_public_key_files: str = ""
    # -- Create the demo accounts admin/admin and user/user on `seed`.
    seed_demo_users: bool = True
    # -- Login throttling (domain/throttle.py): failures per (username, client) before the
    # delays start, the window failures count in, and the failures per username across
    # every client after which attempts for it are spaced out.
    login_free_failures: int = 3
    login_failure_window_seconds: int = 900
    login_username_ceiling: int = 50

    @property
    def previous_public_key_paths(self) -> list[Path]:
        return [Path(p.strip()) for p in self.jwt_public_key_files.split(",") if p.strip()]
