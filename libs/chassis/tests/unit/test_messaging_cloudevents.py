"""The CloudEvents envelope follows the Events contract."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from catalog_chassis.domain import DomainEvent
from catalog_chassis.messaging import CloudEvent, PoisonMessage, cloud_event_from, parse_cloud_event


def characteristic_created() -> DomainEvent:
    return DomainEvent(
        aggregate_type="characteristic",
        action="created",
        type="CharacteristicCreated",
        aggregate_id="6f1c1c59-5d2e-4a4b-9a53-1c1f54b0f7a1",
        data={"id": "6f1c1c59-5d2e-4a4b-9a53-1c1f54b0f7a1", "name": "Speed", "version": 1},
        occurred_at=datetime(2026, 3, 1, 12, 30, tzinfo=UTC),
    )


def test_the_envelope_carries_every_contract_attribute() -> None:
    event = characteristic_created()

    envelope = cloud_event_from(event, service="characteristic", correlation_id="corr-1")

    assert envelope.to_json_dict() == {
        "specversion": "1.0",
        "id": event.event_id,
        "source": "/catalog/characteristic",
        "type": "CharacteristicCreated",
        "time": "2026-03-01T12:30:00Z",
        "subject": event.aggregate_id,
        "datacontenttype": "application/json",
        "data": event.data,
        "correlationid": "corr-1",
    }


def test_the_time_is_rendered_in_rfc3339_with_its_offset() -> None:
    event = characteristic_created()
    later = datetime(2026, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))

    envelope = cloud_event_from(event, service="characteristic", correlation_id=None, time=later)

    assert json.loads(envelope.to_json_bytes())["time"] == "2026-03-01T14:30:00+02:00"


def test_an_event_without_correlation_id_omits_the_extension() -> None:
    envelope = cloud_event_from(characteristic_created(), service="pricing", correlation_id=None)

    assert "correlationid" not in envelope.to_json_dict()


def test_parsing_round_trips_and_keeps_unknown_extensions() -> None:
    wire = cloud_event_from(characteristic_created(), service="pricing", correlation_id="c")
    body = json.dumps({**wire.to_json_dict(), "partitionkey": "p-1"}).encode()

    parsed = parse_cloud_event(body)

    assert parsed == CloudEvent.model_validate({**wire.to_json_dict(), "partitionkey": "p-1"})
    assert parsed.id == uuid.UUID(wire.to_json_dict()["id"])
    assert parsed.model_extra == {"partitionkey": "p-1"}


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\xff\xfe",
        b"{not json",
        b"[]",
        b'{"specversion": "1.0"}',
        b'{"specversion": "0.3", "id": "6f1c1c59-5d2e-4a4b-9a53-1c1f54b0f7a1", "source": "/x",'
        b' "type": "T", "time": "2026-03-01T12:30:00Z", "subject": "s", "data": {}}',
        b'{"specversion": "1.0", "id": "not-a-uuid", "source": "/x", "type": "T",'
        b' "time": "2026-03-01T12:30:00Z", "subject": "s", "data": {}}',
        b'{"specversion": "1.0", "id": "6f1c1c59-5d2e-4a4b-9a53-1c1f54b0f7a1", "source": "/x",'
        b' "type": "T", "time": "2026-03-01T12:30:00", "subject": "s", "data": {}}',
    ],
    ids=["empty", "binary", "broken-json", "array", "incomplete", "old-spec", "bad-id", "naive"],
)
def test_anything_but_a_contract_cloudevent_is_poison(body: bytes) -> None:
    with pytest.raises(PoisonMessage):
        parse_cloud_event(body)


def test_the_envelope_is_immutable() -> None:
    envelope = cloud_event_from(characteristic_created(), service="pricing", correlation_id=None)

    with pytest.raises(ValidationError):
        envelope.type = "Other"  # type: ignore[misc]
