"""Characteristic use cases: create, replace, patch, delete, get and list."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from catalog_chassis.errors import Conflict, NotFound, PreconditionFailed
from characteristic_service.application.ports import CharacteristicQuery, UnitOfWork
from characteristic_service.domain.model import Characteristic


@dataclass(frozen=True, kw_only=True)
class CharacteristicFields:
    name: str
    value: str
    unit_of_measure: str


@dataclass(frozen=True, kw_only=True)
class CharacteristicChanges:
    """A merge patch: ``None`` keeps the current value."""

    name: str | None = None
    value: str | None = None
    unit_of_measure: str | None = None


def _check_version(characteristic: Characteristic, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != characteristic.version:
        raise PreconditionFailed(
            f"The characteristic is at version {characteristic.version}, "
            f"not {expected_version}; reload it and try again."
        )


@dataclass
class CharacteristicService:
    uow_factory: Callable[[], UnitOfWork]

    async def create(self, fields: CharacteristicFields) -> Characteristic:
        characteristic = Characteristic.create(
            name=fields.name, value=fields.value, unit_of_measure=fields.unit_of_measure
        )
        async with self.uow_factory() as uow:
            await self._ensure_name_free(uow, characteristic)
            await uow.characteristics.add(characteristic)
            await uow.commit()
        return characteristic

    async def get(self, characteristic_id: uuid.UUID) -> Characteristic:
        async with self.uow_factory() as uow:
            return await self._load(uow, characteristic_id)

    async def list(self, query: CharacteristicQuery) -> tuple[list[Characteristic], int]:
        async with self.uow_factory() as uow:
            return await uow.characteristics.list(query)

    async def replace(
        self,
        characteristic_id: uuid.UUID,
        fields: CharacteristicFields,
        *,
        expected_version: int | None = None,
    ) -> Characteristic:
        async with self.uow_factory() as uow:
            characteristic = await self._load(uow, characteristic_id)
            _check_version(characteristic, expected_version)
            loaded_version = characteristic.version
            changed = characteristic.update(
                name=fields.name, value=fields.value, unit_of_measure=fields.unit_of_measure
            )
            if changed:
                await self._ensure_name_free(uow, characteristic)
                await uow.characteristics.save(characteristic, expected_version=loaded_version)
                await uow.commit()
        return characteristic

    async def patch(
        self,
        characteristic_id: uuid.UUID,
        changes: CharacteristicChanges,
        *,
        expected_version: int | None = None,
    ) -> Characteristic:
        async with self.uow_factory() as uow:
            current = await self._load(uow, characteristic_id)
        merged = CharacteristicFields(
            name=current.name if changes.name is None else changes.name,
            value=current.value if changes.value is None else changes.value,
            unit_of_measure=(
                current.unit_of_measure.value
                if changes.unit_of_measure is None
                else changes.unit_of_measure
            ),
        )
        return await self.replace(
            characteristic_id,
            merged,
            expected_version=current.version if expected_version is None else expected_version,
        )

    async def delete(
        self, characteristic_id: uuid.UUID, *, expected_version: int | None = None
    ) -> None:
        async with self.uow_factory() as uow:
            characteristic = await self._load(uow, characteristic_id)
            _check_version(characteristic, expected_version)
            await self._ensure_unused(uow, characteristic)
            loaded_version = characteristic.version
            characteristic.delete()
            await uow.characteristics.remove(characteristic, expected_version=loaded_version)
            await uow.commit()

    @staticmethod
    async def _load(uow: UnitOfWork, characteristic_id: uuid.UUID) -> Characteristic:
        characteristic = await uow.characteristics.get(characteristic_id)
        if characteristic is None:
            raise NotFound(f"No characteristic with id {characteristic_id}.")
        return characteristic

    @staticmethod
    async def _ensure_unused(uow: UnitOfWork, characteristic: Characteristic) -> None:
        specifications = await uow.usages.specifications_using(characteristic.id)
        if specifications:
            listed = ", ".join(f"'{s.name}' ({s.id})" for s in specifications)
            raise Conflict(
                f"The characteristic '{characteristic.name}' is used by specifications "
                f"{listed}; remove it from them first."
            )

    @staticmethod
    async def _ensure_name_free(uow: UnitOfWork, characteristic: Characteristic) -> None:
        if await uow.characteristics.name_taken(characteristic.name, excluding=characteristic.id):
            raise Conflict(f"A characteristic named '{characteristic.name}' already exists.")
