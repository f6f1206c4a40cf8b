"""Capped exponential backoff, shared by the outbox relay and the event consumers."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """``initial * factor ** (attempt - 1)`` seconds, never more than ``maximum``.

    ``jitter`` (0..1) takes up to that fraction off each delay at random, so that replicas
    failing together do not retry in lock-step.
    """

    initial: float = 0.5
    factor: float = 2.0
    maximum: float = 30.0
    jitter: float = 0.0

    def __post_init__(self) -> None:
        if self.initial <= 0 or self.factor < 1 or self.maximum < self.initial:
            raise ValueError("backoff needs 0 < initial <= maximum and factor >= 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter is a fraction between 0 and 1")

    def delay(self, attempt: int) -> float:
        """The pause after the ``attempt``-th consecutive failure (1-based)."""
        if attempt < 1:
            return 0.0
        # Cap the exponent before computing: huge attempt counts must not overflow.
        exponent = min(attempt - 1, 64)
        delay = min(self.maximum, self.initial * self.factor**exponent)
        if self.jitter:
            delay -= delay * self.jitter * random.random()  # noqa: S311 - not cryptographic
        return delay
