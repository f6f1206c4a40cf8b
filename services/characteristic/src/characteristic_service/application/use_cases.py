"""Characteristic use cases: create, replace, patch, delete, get and list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from catalog_chassis.resources import KEEP, ResourceUseCases, Unchanged
from catalog_chassis.usages import ensure_unused
from characteristic_service.application.ports import (
    CharacteristicQuery,
    CharacteristicRepository,
    UnitOfWork,
)
from characteristic_service.domain.model import Characteristic


@dataclass(frozen=True, kw_only=True)
class CharacteristicFields:
    name: str
    value: str
    unit_of_measure: str


@dataclass(frozen=True, kw_only=True)
class CharacteristicChanges:
    """A merge patch: ``KEEP`` keeps the current value."""

    name: str | Unchanged = KEEP
    value: str | Unchanged = KEEP
    unit_of_measure: str | Unchanged = KEEP

    def applied_to(self, current: Characteristic) -> CharacteristicFields:
        return CharacteristicFields(
            name=current.name if self.name is KEEP else self.name,
            value=current.value if self.value is KEEP else self.value,
            unit_of_measure=(
                current.unit_of_measure.value
                if self.unit_of_measure is KEEP
                else self.unit_of_measure
            ),
        )


@dataclass
class CharacteristicService(ResourceUseCases[Characteristic, CharacteristicQuery, UnitOfWork]):
    RESOURCE = "characteristic"

    def repository(self, uow: UnitOfWork) -> CharacteristicRepository:
        return uow.characteristics

    async def create(self, fields: CharacteristicFields) -> Characteristic:
        return await self._add(
            Characteristic.create(
                name=fields.name, value=fields.value, unit_of_measure=fields.unit_of_measure
            )
        )

    async def replace(
        self,
        characteristic_id: uuid.UUID,
        fields: CharacteristicFields,
        *,
        expected_version: int | None = None,
    ) -> Characteristic:
        return await self._update(
            characteristic_id,
            lambda characteristic: characteristic.update(
                name=fields.name, value=fields.value, unit_of_measure=fields.unit_of_measure
            ),
            expected_version=expected_version,
        )

    async def patch(
        self,
        characteristic_id: uuid.UUID,
        changes: CharacteristicChanges,
        *,
        expected_version: int | None = None,
    ) -> Characteristic:
        current = await self._current(characteristic_id)
        # The merge is based on what was just read: a change in between must not be lost.
        return await self.replace(
            characteristic_id,
            changes.applied_to(current),
            expected_version=current.version if expected_version is None else expected_version,
        )

    async def _ensure_deletable(self, uow: UnitOfWork, characteristic: Characteristic) -> None:
        specifications = await uow.usages.referrers_of(characteristic.id)
        ensure_unused(
            "characteristic", characteristic.name, specifications, referrer_kind="specifications"
        )
