import uuid

import pytest

from catalog_chassis.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from catalog_chassis.usages import Referrer, ReferrerUsage
from characteristic_service.application.ports import CharacteristicQuery
from characteristic_service.application.use_cases import (
    CharacteristicChanges,
    CharacteristicFields,
)


def usage(name, characteristic_ids, version=1) -> ReferrerUsage:
    return ReferrerUsage(
        referrer=Referrer(id=uuid.uuid4(), name=name),
        version=version,
        referenced_ids=frozenset(characteristic_ids),
    )


def fields(name="Download speed", value="100", unit="Mbps") -> CharacteristicFields:
    return CharacteristicFields(name=name, value=value, unit_of_measure=unit)


class TestCreate:
    async def test_stores_it_and_commits_its_event(self, service, uow):
        created = await service.create(fields())
        assert created.id in uow.characteristics.rows
        assert [e.type for e in uow.events] == ["CharacteristicCreated"]

    async def test_refuses_a_name_taken_in_another_case(self, service, uow):
        await service.create(fields())
        with pytest.raises(Conflict):
            await service.create(fields(name="DOWNLOAD SPEED"))
        assert len(uow.characteristics.rows) == 1 and len(uow.events) == 1

    async def test_invalid_input_writes_nothing(self, service, uow):
        with pytest.raises(ValidationFailed):
            await service.create(fields(name=""))
        assert uow.characteristics.rows == {} and uow.commits == 0


class TestReplace:
    async def test_with_the_current_version_succeeds(self, service, uow):
        created = await service.create(fields())
        updated = await service.replace(created.id, fields(value="200"), expected_version=1)
        assert updated.version == 2 and uow.characteristics.rows[created.id].value == "200"
        assert [e.type for e in uow.events][-1] == "CharacteristicUpdated"

    async def test_with_a_stale_version_is_refused_and_changes_nothing(self, service, uow):
        created = await service.create(fields())
        await service.replace(created.id, fields(value="200"))
        with pytest.raises(PreconditionFailed):
            await service.replace(created.id, fields(value="300"), expected_version=1)
        assert uow.characteristics.rows[created.id].value == "200"

    async def test_to_another_characteristics_name_is_a_conflict(self, service):
        await service.create(fields(name="Speed"))
        other = await service.create(fields(name="Latency"))
        with pytest.raises(Conflict):
            await service.replace(other.id, fields(name="speed"))

    async def test_keeping_its_own_name_in_another_case_is_fine(self, service):
        created = await service.create(fields(name="Speed"))
        assert (await service.replace(created.id, fields(name="SPEED"))).name == "SPEED"

    async def test_without_changes_emits_nothing(self, service, uow):
        created = await service.create(fields())
        await service.replace(created.id, fields())
        assert len(uow.events) == 1

    async def test_unknown_id_is_not_found(self, service):
        with pytest.raises(NotFound):
            await service.replace(uuid.uuid4(), fields())


class TestPatch:
    async def test_changes_only_the_given_fields(self, service, uow):
        created = await service.create(fields())
        patched = await service.patch(created.id, CharacteristicChanges(value="1"))
        assert (patched.name, patched.value, patched.unit_of_measure.value) == (
            "Download speed",
            "1",
            "Mbps",
        )

    async def test_honours_the_expected_version(self, service):
        created = await service.create(fields())
        with pytest.raises(PreconditionFailed):
            await service.patch(created.id, CharacteristicChanges(value="1"), expected_version=7)


class TestDelete:
    async def test_removes_it_and_commits_a_deleted_event(self, service, uow):
        created = await service.create(fields())
        await service.delete(created.id, expected_version=1)
        assert uow.characteristics.rows == {}
        assert uow.events[-1].type == "CharacteristicDeleted"

    async def test_with_a_stale_version_is_refused(self, service, uow):
        created = await service.create(fields())
        with pytest.raises(PreconditionFailed):
            await service.delete(created.id, expected_version=3)
        assert created.id in uow.characteristics.rows

    async def test_a_characteristic_used_by_specifications_is_a_conflict_naming_them(
        self, service, uow
    ):
        created = await service.create(fields())
        for name in ("Fibre pro", "Fibre home"):
            await uow.usages.record(usage(name, [created.id]))
        with pytest.raises(Conflict) as caught:
            await service.delete(created.id)
        detail = caught.value.detail
        assert detail.index("'Fibre home'") < detail.index("'Fibre pro'")
        for recorded in uow.usages.by_referrer.values():
            assert str(recorded.referrer.id) in detail
        assert created.id in uow.characteristics.rows and len(uow.events) == 1

    async def test_once_no_specification_uses_it_delete_works(self, service, uow):
        created = await service.create(fields())
        used = usage("Fibre", [created.id])
        await uow.usages.record(used)
        await uow.usages.release(used.referrer.id, version=2)
        await service.delete(created.id)
        assert uow.characteristics.rows == {}


class TestList:
    async def test_filters_by_name_and_pages(self, service):
        for name in ("Download speed", "Upload speed", "Latency"):
            await service.create(fields(name=name))
        items, total = await service.list(CharacteristicQuery(name_contains="speed", limit=1))
        assert total == 2 and [c.name for c in items] == ["Download speed"]
