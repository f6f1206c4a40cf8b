"""SQL adapter for which specifications use each characteristic."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from characteristic_service.domain.usages import SpecificationReference, SpecificationUsage
from characteristic_service.infrastructure.tables import (
    CharacteristicUsageRow,
    SpecificationVersionRow,
)

_usages = CharacteristicUsageRow.__table__  # type: ignore[attr-defined]
_versions = SpecificationVersionRow.__table__  # type: ignore[attr-defined]


class SqlCharacteristicUsages:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def specifications_using(
        self, characteristic_id: uuid.UUID
    ) -> list[SpecificationReference]:
        rows = await self._session.execute(
            select(_usages.c.specification_id, _usages.c.specification_name)
            .where(_usages.c.characteristic_id == characteristic_id)
            .order_by(_usages.c.specification_name, _usages.c.specification_id)
        )
        return [
            SpecificationReference(id=row.specification_id, name=row.specification_name)
            for row in rows
        ]

    async def record(self, usage: SpecificationUsage) -> bool:
        specification = usage.specification
        if not await self._advance(specification.id, usage.version):
            return False
        await self._drop_usages(specification.id)
        if usage.characteristic_ids:
            await self._session.execute(
                insert(_usages),
                [
                    {
                        "characteristic_id": characteristic_id,
                        "specification_id": specification.id,
                        "specification_name": specification.name,
                    }
                    for characteristic_id in usage.characteristic_ids
                ],
            )
        return True

    async def release(self, specification_id: uuid.UUID, *, version: int) -> bool:
        if not await self._advance(specification_id, version):
            return False
        await self._drop_usages(specification_id)
        return True

    async def _advance(self, specification_id: uuid.UUID, version: int) -> bool:
        """Move the specification's last-seen version forward; False if it is not newer.
        The row lock this takes serializes concurrent events about one specification."""
        statement = upsert(_versions).values(specification_id=specification_id, version=version)
        statement = statement.on_conflict_do_update(
            index_elements=[_versions.c.specification_id],
            set_={"version": statement.excluded.version},
            where=_versions.c.version < statement.excluded.version,
        ).returning(_versions.c.specification_id)
        return (await self._session.execute(statement)).first() is not None

    async def _drop_usages(self, specification_id: uuid.UUID) -> None:
        await self._session.execute(
            delete(_usages).where(_usages.c.specification_id == specification_id)
        )
