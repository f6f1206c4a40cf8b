"""SQL repository for prices, with optimistic concurrency on every write."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_chassis.naming import name_key
from catalog_chassis.repositories import (
    LIKE_ESCAPE,
    contains_pattern,
    fetch_page,
    integrity_error_as_conflict,
    require_one_row_changed,
)
from pricing_service.application.ports import PriceQuery, SortField
from pricing_service.domain.model import Price
from pricing_service.infrastructure.tables import PriceRow

Track = Callable[[Price], Price]

_SORT_COLUMNS = {
    SortField.NAME: PriceRow.name_key,
    SortField.VALUE: PriceRow.value,
    SortField.CREATED_AT: PriceRow.created_at,
}


def _conditions(query: PriceQuery) -> list[Any]:
    conditions: list[Any] = []
    if query.name_contains:
        pattern = contains_pattern(query.name_contains.casefold())
        conditions.append(PriceRow.name_key.like(pattern, escape=LIKE_ESCAPE))
    if query.currency is not None:
        conditions.append(PriceRow.currency == query.currency.value)
    if query.locked is not None:
        saga = PriceRow.locked_by_saga_id
        conditions.append(saga.is_not(None) if query.locked else saga.is_(None))
    return conditions


class SqlPriceRepository:
    def __init__(self, session: AsyncSession, track: Track) -> None:
        self._session = session
        self._track = track

    async def get(self, price_id: uuid.UUID, *, for_update: bool = False) -> Price | None:
        row = await self._session.get(PriceRow, price_id, with_for_update=for_update)
        return self._track(row.to_domain()) if row else None

    async def name_taken(self, name: str, *, excluding: uuid.UUID | None = None) -> bool:
        statement = select(PriceRow.id).where(PriceRow.name_key == name_key(name))
        if excluding is not None:
            statement = statement.where(PriceRow.id != excluding)
        return (await self._session.execute(statement.limit(1))).first() is not None

    async def add(self, price: Price) -> None:
        self._track(price)
        async with self._unique_name(price):
            await self._session.execute(insert(PriceRow).values(**PriceRow.values_of(price)))

    async def save(self, price: Price, *, expected_version: int) -> None:
        values = PriceRow.values_of(price)
        del values["id"], values["created_at"]
        async with self._unique_name(price):
            result = await self._session.execute(
                update(PriceRow)
                .where(PriceRow.id == price.id)
                .where(PriceRow.version == expected_version)
                .values(**values)
            )
        require_one_row_changed(result, resource="price")

    async def remove(self, price: Price, *, expected_version: int) -> None:
        result = await self._session.execute(
            delete(PriceRow)
            .where(PriceRow.id == price.id)
            .where(PriceRow.version == expected_version)
        )
        require_one_row_changed(result, resource="price")

    async def list(self, query: PriceQuery) -> tuple[list[Price], int]:
        conditions = _conditions(query)
        column = _SORT_COLUMNS[query.sort]
        rows, total = await fetch_page(
            self._session,
            PriceRow,
            where=conditions,
            order_by=[column.desc() if query.descending else column.asc(), PriceRow.id],
            limit=query.limit,
            offset=query.offset,
        )
        return [row.to_domain() for row in rows], total

    @staticmethod
    def _unique_name(price: Price) -> AbstractAsyncContextManager[None]:
        # The unique index on name_key decides a race between two writers.
        return integrity_error_as_conflict(f"A price named '{price.name}' already exists.")
