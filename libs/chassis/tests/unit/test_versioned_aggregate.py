import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from catalog_chassis.domain import VersionedAggregate


@dataclass(eq=False, kw_only=True)
class Offering(VersionedAggregate):
    AGGREGATE_TYPE = "offering"
    EVENT_PREFIX = "Offering"

    name: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 1
    updated_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)

    def __post_init__(self) -> None:
        VersionedAggregate.__init__(self)

    def snapshot(self):
        return {"id": str(self.id), "name": self.name, "version": self.version}


def test_created_records_the_snapshot_without_bumping_the_version():
    offering = Offering(name="Fibre")
    offering.record_created()
    [event] = offering.collect_events()
    assert (event.type, event.routing_key, event.aggregate_id) == (
        "OfferingCreated",
        "offering.created",
        str(offering.id),
    )
    assert event.data["version"] == 1


def test_a_change_bumps_version_and_updated_at_before_the_snapshot_is_taken():
    offering = Offering(name="Fibre")
    offering.record_change("publication_initiated")
    [event] = offering.collect_events()
    assert event.type == "OfferingPublicationInitiated"
    assert event.routing_key == "offering.publication_initiated"
    assert event.data["version"] == offering.version == 2
    assert offering.updated_at > datetime(2026, 1, 1, tzinfo=UTC)
