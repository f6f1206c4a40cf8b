"""bcrypt password hashing at the contract's cost of 12."""

from __future__ import annotations

import contextlib

import bcrypt

BCRYPT_COST = 12


class BcryptPasswordHasher:
    def __init__(self, cost: int = BCRYPT_COST) -> None:
        self._cost = cost
        # A real hash to verify against when the username is unknown, so both paths take
        # one bcrypt verification and answer in about the same time.
        self._dummy_hash = bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(cost))

    def hash(self, password: str) -> str:
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(self._cost)).decode()

    def verify(self, password: str, password_hash: str) -> bool:
        try:
            return bcrypt.checkpw(password.encode(), password_hash.encode())
        except ValueError:  # over 72 bytes or a malformed stored hash: never a match
            return False

    def burn_time(self, password: str) -> None:
        with contextlib.suppress(ValueError):
            bcrypt.checkpw(password.encode(), self._dummy_hash)
