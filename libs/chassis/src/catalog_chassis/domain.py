"""Building blocks for service domain layers: aggregates that collect the events they raise.

Pure Python on purpose: domain packages may import this module and nothing else from the
chassis (enforced by import-linter).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Something that happened to an aggregate, in the past tense.

    ``aggregate_type`` and ``action`` form the routing key (``characteristic.created``);
    ``type`` is the CloudEvents type (``CharacteristicCreated``); ``data`` is the aggregate
    snapshot (JSON-ready, camelCase, including ``version``).
    """

    aggregate_type: str
    action: str
    type: str
    aggregate_id: str
    data: dict[str, Any]
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def routing_key(self) -> str:
        return f"{self.aggregate_type}.{self.action}"


class Aggregate:
    """Base for aggregates: records events to be written to the outbox on commit."""

    def __init__(self) -> None:
        self.pending_events: list[DomainEvent] = []

    def record(self, event: DomainEvent) -> None:
        self.pending_events.append(event)

    def collect_events(self) -> list[DomainEvent]:
        events, self.pending_events = self.pending_events, []
        return events


def iso_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with a ``Z``, as the HTTP API renders timestamps, so an event's
    snapshot and the API's body carry identical strings."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
