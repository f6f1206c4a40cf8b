"""`status.conditions` in the Kubernetes convention: Ready, Progressing and Degraded.

Pure functions over plain dicts, so the handlers and their tests share them without a
cluster. A condition's `lastTransitionTime` moves only when its status changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

READY = "Ready"
PROGRESSING = "Progressing"
DEGRADED = "Degraded"

Status = Literal["True", "False", "Unknown"]
Condition = dict[str, Any]


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def set_condition(
    conditions: Sequence[Mapping[str, Any]],
    kind: str,
    status: Status,
    *,
    reason: str,
    message: str,
    generation: int | None,
    at: str | None = None,
) -> list[Condition]:
    """``conditions`` with the condition ``kind`` replaced (or added), in a stable order."""
    previous = next((c for c in conditions if c.get("type") == kind), None)
    unchanged = previous is not None and previous.get("status") == status
    transition = previous.get("lastTransitionTime") if unchanged and previous else None
    condition: Condition = {
        "type": kind,
        "status": status,
        "reason": reason,
        "message": message[:32_768],
        "lastTransitionTime": transition or at or now(),
    }
    if generation is not None:
        condition["observedGeneration"] = generation
    others = [dict(c) for c in conditions if c.get("type") != kind]
    return sorted([*others, condition], key=lambda c: _ORDER.get(str(c.get("type")), 99))


_ORDER = {READY: 0, PROGRESSING: 1, DEGRADED: 2}


def state(
    conditions: Sequence[Mapping[str, Any]],
    *,
    ready: bool,
    progressing: bool,
    degraded: bool,
    reason: str,
    message: str,
    generation: int | None,
    at: str | None = None,
) -> list[Condition]:
    """All three conditions at once, sharing one reason and message."""
    result = [dict(condition) for condition in conditions]
    for kind, flag in ((READY, ready), (PROGRESSING, progressing), (DEGRADED, degraded)):
        result = set_condition(
            result,
            kind,
            "True" if flag else "False",
            reason=reason,
            message=message,
            generation=generation,
            at=at,
        )
    return result


def ready(
    conditions: Sequence[Mapping[str, Any]], reason: str, message: str, generation: int | None
) -> list[Condition]:
    return state(
        conditions,
        ready=True,
        progressing=False,
        degraded=False,
        reason=reason,
        message=message,
        generation=generation,
    )


def progressing(
    conditions: Sequence[Mapping[str, Any]], reason: str, message: str, generation: int | None
) -> list[Condition]:
    """Work under way: not (yet) Ready, not Degraded."""
    return state(
        conditions,
        ready=False,
        progressing=True,
        degraded=False,
        reason=reason,
        message=message,
        generation=generation,
    )


def degraded(
    conditions: Sequence[Mapping[str, Any]], reason: str, message: str, generation: int | None
) -> list[Condition]:
    """Failed in a way retrying will not fix: the spec (or something it points at) must change."""
    return state(
        conditions,
        ready=False,
        progressing=False,
        degraded=True,
        reason=reason,
        message=message,
        generation=generation,
    )


def find(conditions: Sequence[Mapping[str, Any]], kind: str) -> Mapping[str, Any] | None:
    return next((c for c in conditions if c.get("type") == kind), None)
