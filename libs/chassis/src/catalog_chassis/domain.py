"""Building blocks for service domain layers: aggregates that collect the events they raise.

Pure Python on purpose: domain packages may import this module and nothing else from the
chassis (enforced by import-linter).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar


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


class VersionedAggregate(Aggregate):
    """An aggregate whose every change bumps ``version`` and ``updated_at`` and records an
    event carrying its snapshot. Subclasses set ``AGGREGATE_TYPE`` (``"price"``, the routing
    key's first part) and ``EVENT_PREFIX`` (``"Price"``), and define ``id``, ``version``,
    ``updated_at`` and ``snapshot()``; ``record_change("locked")`` then records
    ``PriceLocked`` with routing key ``price.locked``."""

    AGGREGATE_TYPE: ClassVar[str]
    EVENT_PREFIX: ClassVar[str]
    id: Any
    version: int
    updated_at: datetime

    def snapshot(self) -> dict[str, Any]:
        raise NotImplementedError

    def record_created(self) -> None:
        self._record_event("created")

    def record_change(self, action: str) -> None:
        self.version += 1
        self.updated_at = datetime.now(UTC)
        self._record_event(action)

    def _record_event(self, action: str) -> None:
        self.record(
            DomainEvent(
                aggregate_type=self.AGGREGATE_TYPE,
                action=action,
                type=self.EVENT_PREFIX + "".join(part.capitalize() for part in action.split("_")),
                aggregate_id=str(self.id),
                data=self.snapshot(),
            )
        )
