"""Secrets generated once on first start and kept in the machine's secrets directory
(`Layout.secrets`, see paths.py; never in git)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .paths import Layout

JWT_KEY_BITS = 2048


def ensure_password(layout: Layout, name: str) -> str:
    """The password stored in <secrets>/<name>, created on first use (URL-safe)."""
    layout.adopt_checkout_secrets()
    path = layout.secrets / name
    if path.is_file() and (existing := path.read_text().strip()):
        path.chmod(0o600)
        return existing
    # URL-safe alphabet: the password is embedded in database URLs without escaping.
    password = secrets.token_urlsafe(24)
    _write_private(path, password + "\n")
    return password


def stored_password(layout: Layout, name: str) -> str | None:
    """The password in <secrets>/<name> if one was generated; never creates one."""
    layout.adopt_checkout_secrets()
    path = layout.secrets / name
    try:
        return path.read_text().strip() or None
    except (FileNotFoundError, PermissionError):
        return None


@dataclass(frozen=True)
class JwtKeyFiles:
    private_key: Path
    public_key: Path


def ensure_jwt_keys(layout: Layout) -> JwtKeyFiles:
    """The RS256 signing key pair of the identity service, generated on first start."""
    layout.adopt_checkout_secrets()
    files = JwtKeyFiles(
        private_key=layout.jwt_keys / "private.pem",
        public_key=layout.jwt_keys / "public.pem",
    )
    if files.private_key.is_file() and files.public_key.is_file():
        return files
    layout.jwt_keys.mkdir(parents=True, exist_ok=True)
    layout.jwt_keys.chmod(0o700)
    key = rsa.generate_private_key(public_exponent=65537, key_size=JWT_KEY_BITS)
    private_pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    _write_private(files.private_key, private_pem.decode())
    files.public_key.write_text(public_pem.decode())
    return files


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Create with 0600 from the start so the secret is never readable by others, even briefly.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(content)
    path.chmod(0o600)
