import uuid

import pytest

from characteristic_service.application.usage_updates import apply_specification_event
from characteristic_service.domain.usages import SPECIFICATION_USAGE_EVENTS, MalformedSnapshot

SPEC = uuid.uuid4()
SPEED, LATENCY = uuid.uuid4(), uuid.uuid4()


def snapshot(version: int, characteristic_ids, name: str = "Fibre home") -> dict:
    return {
        "id": str(SPEC),
        "name": name,
        "description": None,
        "characteristicIds": [str(cid) for cid in characteristic_ids],
        "version": version,
        "createdAt": "2026-01-01T10:00:00Z",
        "updatedAt": "2026-01-01T10:00:00Z",
    }


@pytest.fixture
def usages(uow):
    return uow.usages


async def users_of(usages, characteristic_id) -> list[str]:
    return [s.name for s in await usages.referrers_of(characteristic_id)]


class TestSpecificationEvents:
    async def test_created_records_each_characteristic_as_used(self, usages):
        await apply_specification_event(
            usages, "SpecificationCreated", snapshot(1, [SPEED, LATENCY])
        )
        assert await users_of(usages, SPEED) == ["Fibre home"]
        assert await users_of(usages, LATENCY) == ["Fibre home"]

    async def test_updated_replaces_the_specifications_usages(self, usages):
        await apply_specification_event(usages, "SpecificationCreated", snapshot(1, [SPEED]))
        await apply_specification_event(
            usages, "SpecificationUpdated", snapshot(2, [LATENCY], name="Fibre pro")
        )
        assert await users_of(usages, SPEED) == []
        assert await users_of(usages, LATENCY) == ["Fibre pro"]

    async def test_an_older_version_arriving_late_is_ignored(self, usages):
        await apply_specification_event(usages, "SpecificationUpdated", snapshot(2, [LATENCY]))
        await apply_specification_event(usages, "SpecificationCreated", snapshot(1, [SPEED]))
        assert await users_of(usages, SPEED) == []
        assert await users_of(usages, LATENCY) == ["Fibre home"]

    async def test_deleted_releases_them_and_a_late_update_cannot_bring_them_back(self, usages):
        await apply_specification_event(usages, "SpecificationCreated", snapshot(1, [SPEED]))
        await apply_specification_event(usages, "SpecificationDeleted", snapshot(3, [SPEED]))
        await apply_specification_event(usages, "SpecificationUpdated", snapshot(2, [SPEED]))
        assert await users_of(usages, SPEED) == []

    async def test_other_event_types_are_ignored(self, usages):
        await apply_specification_event(usages, "SpecificationArchived", {"nonsense": True})
        assert usages.versions == {}

    @pytest.mark.parametrize(
        "broken",
        [{"id": "x"}, {"version": "2"}, {"characteristicIds": "abc"}, {"characteristicIds": [1]}],
    )
    async def test_malformed_data_is_refused(self, usages, broken):
        with pytest.raises(MalformedSnapshot):
            await apply_specification_event(
                usages, "SpecificationCreated", {**snapshot(1, [SPEED]), **broken}
            )

    def test_a_snapshot_is_read_with_its_characteristics_as_a_set(self):
        usage = SPECIFICATION_USAGE_EVENTS.change(
            "SpecificationUpdated", snapshot(4, [SPEED, SPEED, LATENCY])
        )
        assert usage.version == 4 and usage.referenced_ids == {SPEED, LATENCY}
        assert (usage.referrer.id, usage.referrer.name) == (SPEC, "Fibre home")
