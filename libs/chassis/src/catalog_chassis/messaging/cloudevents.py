"""The CloudEvents 1.0 structured envelope every catalog event travels in (the Events contract)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from catalog_chassis.domain import DomainEvent

# Structured mode: the whole envelope is the message body.
CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json"


class CloudEvent(BaseModel):
    """A structured-mode CloudEvent with the ``correlationid`` extension.

    Unknown extension attributes from other producers are kept (``extra="allow"``) so a
    consumer never drops information it does not understand.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: uuid.UUID
    source: str
    type: str
    time: AwareDatetime
    subject: str
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]
    correlationid: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()


def event_source(service: str) -> str:
    return f"/catalog/{service}"


def cloud_event_from(
    event: DomainEvent,
    *,
    service: str,
    correlation_id: str | None,
    time: datetime | None = None,
) -> CloudEvent:
    """Wrap a domain event for the wire: ``id`` is the event id, ``subject`` the aggregate id."""
    return CloudEvent(
        id=uuid.UUID(event.event_id),
        source=event_source(service),
        type=event.type,
        time=time or event.occurred_at,
        subject=event.aggregate_id,
        data=event.data,
        correlationid=correlation_id,
    )
