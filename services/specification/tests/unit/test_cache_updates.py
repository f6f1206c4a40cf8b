import uuid

import pytest

from specification_service.application.cache_updates import apply_characteristic_event
from specification_service.domain.characteristics import MalformedSnapshot


def snapshot(characteristic_id: uuid.UUID, version: int, value: str = "100") -> dict:
    return {
        "id": str(characteristic_id),
        "name": "Download speed",
        "value": value,
        "unitOfMeasure": "Mbps",
        "version": version,
        "createdAt": "2026-01-01T10:00:00Z",
        "updatedAt": "2026-01-01T10:00:00Z",
    }


@pytest.fixture
def cache(uow):
    return uow.characteristic_cache


CID = uuid.uuid4()


class TestCharacteristicEvents:
    async def test_created_caches_the_snapshot(self, cache):
        await apply_characteristic_event(cache, "CharacteristicCreated", snapshot(CID, 1))
        assert cache.cached[CID].version == 1 and cache.cached[CID].value == "100"

    async def test_updated_replaces_an_older_copy(self, cache):
        await apply_characteristic_event(cache, "CharacteristicCreated", snapshot(CID, 1))
        await apply_characteristic_event(cache, "CharacteristicUpdated", snapshot(CID, 2, "200"))
        assert (cache.cached[CID].version, cache.cached[CID].value) == (2, "200")

    async def test_an_older_version_arriving_late_is_ignored(self, cache):
        await apply_characteristic_event(cache, "CharacteristicUpdated", snapshot(CID, 3, "300"))
        await apply_characteristic_event(cache, "CharacteristicUpdated", snapshot(CID, 2, "200"))
        await apply_characteristic_event(cache, "CharacteristicCreated", snapshot(CID, 1))
        assert (cache.cached[CID].version, cache.cached[CID].value) == (3, "300")

    async def test_deleted_removes_it_and_a_late_update_does_not_bring_it_back(self, cache):
        await apply_characteristic_event(cache, "CharacteristicCreated", snapshot(CID, 1))
        await apply_characteristic_event(cache, "CharacteristicDeleted", snapshot(CID, 3))
        await apply_characteristic_event(cache, "CharacteristicUpdated", snapshot(CID, 2))
        assert CID not in cache.cached and cache.tombstones[CID] == 3

    async def test_other_event_types_are_ignored(self, cache):
        await apply_characteristic_event(cache, "CharacteristicRenamed", {"nonsense": True})
        assert cache.cached == {} and cache.tombstones == {}

    async def test_malformed_data_is_refused(self, cache):
        with pytest.raises(MalformedSnapshot):
            await apply_characteristic_event(cache, "CharacteristicCreated", {"id": "x"})
