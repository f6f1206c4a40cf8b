import uuid

import pytest

from catalog_chassis.errors import Conflict, Locked, NotFound, PreconditionFailed, ValidationFailed
from pricing_service.application.ports import PriceQuery
from pricing_service.application.use_cases import PriceChanges, PriceFields
from pricing_service.domain.money import Currency

SAGA, OTHER_SAGA = uuid.uuid4(), uuid.uuid4()


def fields(name="Basic monthly", value="19.99", unit="per month", currency="EUR"):
    return PriceFields(name=name, value=value, unit=unit, currency=currency)


def event_types(uow) -> list[str]:
    return [e.type for e in uow.events]


class TestCreate:
    async def test_stores_it_and_commits_its_event(self, service, uow):
        created = await service.create(fields())
        assert uow.prices.rows[created.id].value == created.value
        assert event_types(uow) == ["PriceCreated"]

    async def test_refuses_a_name_taken_in_another_case(self, service, uow):
        await service.create(fields())
        with pytest.raises(Conflict):
            await service.create(fields(name="BASIC MONTHLY"))
        assert len(uow.prices.rows) == 1 and event_types(uow) == ["PriceCreated"]

    async def test_invalid_input_writes_nothing(self, service, uow):
        with pytest.raises(ValidationFailed):
            await service.create(fields(value="19.999"))
        assert uow.prices.rows == {} and uow.commits == 0


class TestReplaceAndPatch:
    async def test_with_the_current_version_succeeds(self, service, uow):
        created = await service.create(fields())
        updated = await service.replace(created.id, fields(value="25"), expected_version=1)
        assert updated.version == 2 and str(uow.prices.rows[created.id].value) == "25.00"
        assert event_types(uow) == ["PriceCreated", "PriceUpdated"]

    async def test_with_a_stale_version_is_refused_and_changes_nothing(self, service, uow):
        created = await service.create(fields())
        await service.replace(created.id, fields(value="25"))
        with pytest.raises(PreconditionFailed):
            await service.replace(created.id, fields(value="30"), expected_version=1)
        assert str(uow.prices.rows[created.id].value) == "25.00"

    async def test_to_another_prices_name_is_a_conflict(self, service):
        await service.create(fields(name="Basic"))
        other = await service.create(fields(name="Premium"))
        with pytest.raises(Conflict):
            await service.replace(other.id, fields(name="basic"))

    async def test_without_changes_emits_nothing(self, service, uow):
        created = await service.create(fields())
        await service.replace(created.id, fields(value="19.99"))
        assert event_types(uow) == ["PriceCreated"]

    async def test_unknown_id_is_not_found(self, service):
        with pytest.raises(NotFound):
            await service.replace(uuid.uuid4(), fields())

    async def test_patch_changes_only_the_given_fields(self, service):
        created = await service.create(fields())
        patched = await service.patch(created.id, PriceChanges(currency="TRY"))
        assert (patched.name, str(patched.value), patched.unit, patched.currency) == (
            "Basic monthly",
            "19.99",
            "per month",
            Currency.TRY,
        )

    async def test_patch_honours_the_expected_version(self, service):
        created = await service.create(fields())
        with pytest.raises(PreconditionFailed):
            await service.patch(created.id, PriceChanges(value="1"), expected_version=7)


class TestLockAndUnlock:
    async def test_lock_stores_the_saga_and_commits_price_locked(self, service, uow):
        created = await service.create(fields())
        locked = await service.lock(created.id, SAGA)
        assert locked.locked_by_saga_id == SAGA and locked.version == 2
        assert uow.prices.rows[created.id].locked_by_saga_id == SAGA
        assert event_types(uow) == ["PriceCreated", "PriceLocked"]

    async def test_locking_again_for_the_same_saga_commits_nothing(self, service, uow):
        created = await service.create(fields())
        await service.lock(created.id, SAGA)
        commits = uow.commits
        again = await service.lock(created.id, SAGA)
        assert again.version == 2 and uow.commits == commits
        assert event_types(uow) == ["PriceCreated", "PriceLocked"]

    async def test_another_saga_gets_a_conflict(self, service, uow):
        created = await service.create(fields())
        await service.lock(created.id, SAGA)
        with pytest.raises(Conflict):
            await service.lock(created.id, OTHER_SAGA)
        assert uow.prices.rows[created.id].locked_by_saga_id == SAGA

    async def test_a_locked_price_refuses_replace_patch_and_delete(self, service, uow):
        created = await service.create(fields())
        await service.lock(created.id, SAGA)
        with pytest.raises(Locked):
            await service.replace(created.id, fields(value="1"))
        with pytest.raises(Locked):
            await service.patch(created.id, PriceChanges(value="1"))
        with pytest.raises(Locked):
            await service.delete(created.id)
        assert created.id in uow.prices.rows
        assert event_types(uow) == ["PriceCreated", "PriceLocked"]

    async def test_unlock_by_the_locking_saga_then_delete(self, service, uow):
        created = await service.create(fields())
        await service.lock(created.id, SAGA)
        unlocked = await service.unlock(created.id, SAGA)
        assert not unlocked.locked and unlocked.version == 3
        await service.delete(created.id, expected_version=3)
        assert uow.prices.rows == {}
        assert event_types(uow) == ["PriceCreated", "PriceLocked", "PriceUnlocked", "PriceDeleted"]

    async def test_unlock_by_another_saga_is_a_conflict(self, service, uow):
        created = await service.create(fields())
        await service.lock(created.id, SAGA)
        with pytest.raises(Conflict):
            await service.unlock(created.id, OTHER_SAGA)
        assert uow.prices.rows[created.id].locked_by_saga_id == SAGA

    async def test_unlocking_an_unlocked_price_commits_nothing(self, service, uow):
        created = await service.create(fields())
        commits = uow.commits
        unlocked = await service.unlock(created.id, SAGA)
        assert unlocked.version == 1 and uow.commits == commits
        assert event_types(uow) == ["PriceCreated"]

    async def test_locking_an_unknown_price_is_not_found(self, service):
        with pytest.raises(NotFound):
            await service.lock(uuid.uuid4(), SAGA)


class TestDeleteAndList:
    async def test_delete_with_a_stale_version_is_refused(self, service, uow):
        created = await service.create(fields())
        with pytest.raises(PreconditionFailed):
            await service.delete(created.id, expected_version=3)
        assert created.id in uow.prices.rows

    async def test_list_filters_by_currency_and_lock_state(self, service):
        basic = await service.create(fields(name="Basic", currency="EUR"))
        await service.create(fields(name="Plus", currency="EUR"))
        await service.create(fields(name="Lira", currency="TRY"))
        await service.lock(basic.id, SAGA)
        items, total = await service.list(PriceQuery(currency=Currency.EUR, locked=False))
        assert total == 1 and [p.name for p in items] == ["Plus"]
