"""RS256 signing keys: loaded from files (a Secret in Kubernetes), published as a JWKS.

The JWKS holds the current key and any previous public keys, so tokens signed before a
rotation keep verifying until they expire.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

ALGORITHM = "RS256"
MIN_KEY_BITS = 2048


class KeyConfigurationError(RuntimeError):
    pass


def _load(path: Path) -> RSAKey:
    try:
        key = RSAKey.import_key(path.read_bytes())
    except FileNotFoundError as exc:
        raise KeyConfigurationError(f"JWT key file not found: {path}") from exc
    except Exception as exc:
        raise KeyConfigurationError(f"JWT key file is not an RSA key: {path}") from exc
    if key.raw_value.key_size < MIN_KEY_BITS:
        raise KeyConfigurationError(f"JWT key {path} is shorter than {MIN_KEY_BITS} bits")
    return key


def public_jwk(key: RSAKey) -> dict[str, Any]:
    """RFC 7517 public JWK with ``kid`` = the RFC 7638 thumbprint."""
    jwk: dict[str, Any] = dict(key.as_dict(private=False))
    jwk.update({"kid": key.thumbprint(), "alg": ALGORITHM, "use": "sig"})
    return jwk


@dataclass(frozen=True)
class SigningKeys:
    current: RSAKey
    previous: tuple[RSAKey, ...] = ()

    @classmethod
    def from_files(
        cls, private_key_file: Path, previous_public_key_files: Iterable[Path] = ()
    ) -> SigningKeys:
        current = _load(private_key_file)
        if not current.is_private:
            raise KeyConfigurationError(f"{private_key_file} holds no private key")
        current_kid = current.thumbprint()
        previous = tuple(
            key
            for key in (_load(path) for path in previous_public_key_files)
            if key.thumbprint() != current_kid
        )
        return cls(current=current, previous=previous)

    @property
    def kid(self) -> str:
        return self.current.thumbprint()

    @property
    def algorithm(self) -> str:
        return ALGORITHM

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(key) for key in (self.current, *self.previous)]}

    def public_key_pem(self) -> str:
        return self.current.as_pem(private=False).decode()

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode({"alg": ALGORITHM, "typ": "JWT", "kid": self.kid}, claims, self.current)
