import uuid

import pytest

from catalog_chassis.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    ValidationFailed,
)
from catalog_chassis.usages import Referrer, ReferrerUsage
from specification_service.application.ports import SpecificationQuery
from specification_service.application.use_cases import (
    SpecificationChanges,
    SpecificationFields,
)


def fields(ids, name="Fibre home", description=None) -> SpecificationFields:
    return SpecificationFields(name=name, description=description, characteristic_ids=ids)


def unknown_ids_message(caught) -> str:
    [error] = caught.value.errors
    assert error.field == "characteristicIds"
    return error.message


class TestCreate:
    async def test_stores_it_and_commits_its_event(self, service, uow, cached):
        ids = await cached(2)
        created = await service.create(fields(ids))
        assert uow.specifications.rows[created.id].characteristic_ids == ids
        assert [e.type for e in uow.events] == ["SpecificationCreated"]
        assert uow.events[0].data["characteristicIds"] == [str(i) for i in ids]

    async def test_cached_characteristics_need_no_lookup(self, service, directory, cached):
        await service.create(fields(await cached(3)))
        assert directory.lookups == []

    async def test_a_cache_miss_is_looked_up_with_the_callers_credentials_and_cached(
        self, service, uow, directory, make_characteristic
    ):
        fresh = make_characteristic()
        directory.existing[fresh.id] = fresh
        await service.create(fields([fresh.id]), credentials="token-of-the-caller")
        assert directory.lookups == [(fresh.id, "token-of-the-caller")]
        assert uow.characteristic_cache.cached[fresh.id] == fresh

    async def test_unknown_characteristics_are_named_in_a_400(self, service, uow, cached):
        [known] = await cached(1)
        missing = [uuid.uuid4(), uuid.uuid4()]
        with pytest.raises(ValidationFailed) as caught:
            await service.create(fields([missing[0], known, missing[1]]))
        assert unknown_ids_message(caught) == f"unknown characteristics: {missing[0]}, {missing[1]}"
        assert uow.specifications.rows == {} and uow.events == []

    async def test_found_characteristics_are_cached_even_when_others_are_unknown(
        self, service, uow, directory, make_characteristic
    ):
        fresh = make_characteristic()
        directory.existing[fresh.id] = fresh
        with pytest.raises(ValidationFailed):
            await service.create(fields([fresh.id, uuid.uuid4()]))
        assert fresh.id in uow.characteristic_cache.cached

    async def test_a_deleted_characteristic_is_unknown_without_asking(
        self, service, uow, directory, make_characteristic
    ):
        gone = make_characteristic()
        directory.existing[gone.id] = gone  # a stale answer must not even be asked for
        await uow.characteristic_cache.forget(gone.id, version=2)
        with pytest.raises(ValidationFailed) as caught:
            await service.create(fields([gone.id]))
        assert str(gone.id) in unknown_ids_message(caught)
        assert directory.lookups == []

    async def test_characteristic_service_down_and_not_cached_is_unavailable(
        self, service, uow, directory
    ):
        directory.down = True
        with pytest.raises(ServiceUnavailable):
            await service.create(fields([uuid.uuid4()]))
        assert uow.specifications.rows == {}

    async def test_characteristic_service_down_does_not_matter_when_cached(
        self, service, directory, cached
    ):
        directory.down = True
        await service.create(fields(await cached(1)))

    async def test_invalid_fields_are_refused_before_any_lookup(self, service, directory):
        with pytest.raises(ValidationFailed):
            await service.create(fields([uuid.uuid4()], name=""))
        assert directory.lookups == []

    async def test_refuses_a_name_taken_in_another_case(self, service, uow, cached):
        ids = await cached(1)
        await service.create(fields(ids))
        with pytest.raises(Conflict):
            await service.create(fields(ids, name="FIBRE HOME"))
        assert len(uow.specifications.rows) == 1 and len(uow.events) == 1


class TestReplace:
    async def test_with_the_current_version_succeeds(self, service, uow, cached):
        ids = await cached(2)
        created = await service.create(fields(ids[:1]))
        updated = await service.replace(
            created.id, fields(ids, description="d"), expected_version=1
        )
        assert (
            updated.version == 2 and uow.specifications.rows[created.id].characteristic_ids == ids
        )
        assert uow.events[-1].type == "SpecificationUpdated"

    async def test_with_a_stale_version_is_refused_and_changes_nothing(self, service, uow, cached):
        ids = await cached(1)
        created = await service.create(fields(ids))
        await service.replace(created.id, fields(ids, description="new"))
        with pytest.raises(PreconditionFailed):
            await service.replace(created.id, fields(ids, description="newer"), expected_version=1)
        assert uow.specifications.rows[created.id].description == "new"

    async def test_only_newly_added_characteristics_are_checked(
        self, service, uow, directory, cached
    ):
        ids = await cached(1)
        created = await service.create(fields(ids))
        # Even if the cache forgot it, a kept reference is not re-checked...
        uow.characteristic_cache.cached.clear()
        directory.down = True
        await service.replace(created.id, fields(ids, description="edited"))
        # ...but a new one is.
        with pytest.raises(ServiceUnavailable):
            await service.replace(created.id, fields([*ids, uuid.uuid4()]))

    async def test_to_another_specifications_name_is_a_conflict(self, service, cached):
        ids = await cached(1)
        await service.create(fields(ids, name="Fibre"))
        other = await service.create(fields(ids, name="Copper"))
        with pytest.raises(Conflict):
            await service.replace(other.id, fields(ids, name="fibre"))

    async def test_without_changes_emits_nothing(self, service, uow, cached):
        ids = await cached(1)
        created = await service.create(fields(ids))
        await service.replace(created.id, fields(ids))
        assert len(uow.events) == 1

    async def test_unknown_id_is_not_found(self, service, cached):
        with pytest.raises(NotFound):
            await service.replace(uuid.uuid4(), fields(await cached(1)))


class TestPatch:
    async def test_changes_only_the_given_fields(self, service, cached):
        ids = await cached(1)
        created = await service.create(fields(ids, description="Keep me"))
        patched = await service.patch(created.id, SpecificationChanges(name="Fibre max"))
        assert (patched.name, patched.description, patched.characteristic_ids) == (
            "Fibre max",
            "Keep me",
            ids,
        )

    async def test_a_null_description_removes_it(self, service, cached):
        created = await service.create(fields(await cached(1), description="Go away"))
        patched = await service.patch(created.id, SpecificationChanges(description=None))
        assert patched.description is None

    async def test_replaces_the_characteristic_list_whole(self, service, cached):
        first, second = await cached(2)
        created = await service.create(fields([first]))
        patched = await service.patch(
            created.id, SpecificationChanges(characteristic_ids=[second, second])
        )
        assert patched.characteristic_ids == [second]

    async def test_honours_the_expected_version(self, service, cached):
        created = await service.create(fields(await cached(1)))
        with pytest.raises(PreconditionFailed):
            await service.patch(created.id, SpecificationChanges(name="X"), expected_version=7)


class TestDelete:
    async def test_removes_it_and_commits_a_deleted_event(self, service, uow, cached):
        created = await service.create(fields(await cached(1)))
        await service.delete(created.id, expected_version=1)
        assert uow.specifications.rows == {}
        assert uow.events[-1].type == "SpecificationDeleted"
        assert uow.events[-1].data["version"] == 2

    async def test_with_a_stale_version_is_refused(self, service, uow, cached):
        created = await service.create(fields(await cached(1)))
        with pytest.raises(PreconditionFailed):
            await service.delete(created.id, expected_version=3)
        assert created.id in uow.specifications.rows

    async def test_a_specification_used_by_offerings_is_a_conflict_naming_them(
        self, service, uow, cached
    ):
        created = await service.create(fields(await cached(1)))
        offering = Referrer(id=uuid.uuid4(), name="Fibre deal")
        await uow.offering_usages.record(
            ReferrerUsage(referrer=offering, version=1, referenced_ids=frozenset({created.id}))
        )
        with pytest.raises(Conflict) as caught:
            await service.delete(created.id)
        assert "'Fibre deal'" in caught.value.detail and str(offering.id) in caught.value.detail
        assert created.id in uow.specifications.rows and len(uow.events) == 1

    async def test_unknown_id_is_not_found(self, service):
        with pytest.raises(NotFound):
            await service.delete(uuid.uuid4())


class TestList:
    async def test_filters_by_name_and_characteristic_and_pages(self, service, cached):
        shared, other = await cached(2)
        for name, ids in [
            ("Fibre home", [shared]),
            ("Fibre pro", [other, shared]),
            ("Copper", [shared]),
        ]:
            await service.create(fields(ids, name=name))
        items, total = await service.list(
            SpecificationQuery(name_contains="fibre", characteristic_id=shared, limit=1)
        )
        assert total == 2 and [s.name for s in items] == ["Fibre home"]
