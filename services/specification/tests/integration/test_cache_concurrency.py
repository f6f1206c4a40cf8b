"""A deletion and a late update of one characteristic, handled at the same moment by two
transactions, must not bring the deleted characteristic back into the cache."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from catalog_chassis.db import create_engine, create_session_factory
from specification_service.domain.characteristics import KnownCharacteristic
from specification_service.infrastructure.references import SqlCharacteristicCache

pytestmark = pytest.mark.integration


def copy_of(characteristic_id: uuid.UUID, version: int) -> KnownCharacteristic:
    return KnownCharacteristic(
        id=characteristic_id,
        name="Speed",
        value=str(version),
        unit_of_measure="Mbps",
        version=version,
        updated_at=datetime.now(UTC),
    )


async def test_a_store_racing_a_deletion_waits_for_it_and_then_sees_the_tombstone(database_url):
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    characteristic_id = uuid.uuid4()
    try:
        async with sessions() as session, session.begin():
            await SqlCharacteristicCache(session).store(copy_of(characteristic_id, 1))

        async def late_update() -> bool:
            async with sessions() as session, session.begin():
                return await SqlCharacteristicCache(session).store(copy_of(characteristic_id, 2))

        async with sessions() as deleting, deleting.begin():
            await SqlCharacteristicCache(deleting).forget(characteristic_id, version=3)
            racing = asyncio.create_task(late_update())
            await asyncio.sleep(0.5)
            assert not racing.done(), "the store did not wait for the deletion in progress"
        assert await racing is False

        async with sessions() as session:
            assert await SqlCharacteristicCache(session).known([characteristic_id]) == set()
    finally:
        await engine.dispose()
