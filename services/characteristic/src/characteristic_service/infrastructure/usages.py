"""SQL adapter for which specifications use each characteristic."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalog_chassis.usage_tables import SqlReferenceUsages
from characteristic_service.infrastructure.tables import SPECIFICATION_USAGES


class SqlCharacteristicUsages(SqlReferenceUsages):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, SPECIFICATION_USAGES)
