"""The identity service's settings (environment variables; see the chassis for the rest)."""

from __future__ import annotations

from pathlib import Path

from catalog_chassis.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    service_name: str = "identity"
    port: int = 8001
    # -- PEM file with the current RS256 private key (a mounted Secret in Kubernetes).
    jwt_private_key_file: Path
    # -- Comma-separated PEM files of previous public keys kept in the JWKS after a rotation.
    jwt_public_key_files: str = ""
    # -- Create the demo accounts admin/admin and user/user on `seed`.
    seed_demo_users: bool = True
    # -- Failed logins per username before throttling, and the window they count in.
    login_max_failures: int = 5
    login_failure_window_seconds: int = 900

    @property
    def previous_public_key_paths(self) -> list[Path]:
        return [Path(p.strip()) for p in self.jwt_public_key_files.split(",") if p.strip()]
