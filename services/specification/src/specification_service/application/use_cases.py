"""Specification use cases: create, replace, patch, delete, get and list."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from catalog_chassis.errors import Conflict, NotFound, PreconditionFailed
from specification_service.application.ports import SpecificationQuery, UnitOfWork
from specification_service.application.references import CharacteristicReferences
from specification_service.domain.model import Specification, SpecificationContent


class Unchanged(Enum):
    """Marks a merge-patch field the client left out (``None`` means "remove" there)."""

    KEEP = "keep"


KEEP = Unchanged.KEEP


@dataclass(frozen=True, kw_only=True)
class SpecificationFields:
    name: str
    description: str | None
    characteristic_ids: Sequence[uuid.UUID]


@dataclass(frozen=True, kw_only=True)
class SpecificationChanges:
    """A merge patch: ``KEEP`` keeps the current value; a ``None`` description removes it."""

    name: str | Unchanged = KEEP
    description: str | Unchanged | None = KEEP
    characteristic_ids: Sequence[uuid.UUID] | Unchanged = KEEP

    def applied_to(self, current: Specification) -> SpecificationFields:
        return SpecificationFields(
            name=current.name if self.name is KEEP else self.name,
            description=current.description if self.description is KEEP else self.description,
            characteristic_ids=(
                current.characteristic_ids
                if self.characteristic_ids is KEEP
                else self.characteristic_ids
            ),
        )


def _content(fields: SpecificationFields) -> SpecificationContent:
    return SpecificationContent.validated(
        name=fields.name,
        description=fields.description,
        characteristic_ids=fields.characteristic_ids,
    )


def _check_version(specification: Specification, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != specification.version:
        raise PreconditionFailed(
            f"The specification is at version {specification.version}, "
            f"not {expected_version}; reload it and try again."
        )


@dataclass
class SpecificationService:
    """``credentials`` is the caller's bearer token, forwarded when a characteristic has
    to be looked up in the characteristic service."""

    uow_factory: Callable[[], UnitOfWork]
    references: CharacteristicReferences

    async def create(
        self, fields: SpecificationFields, *, credentials: str | None = None
    ) -> Specification:
        content = _content(fields)
        # Checked before the transaction opens: a lookup may take a network round trip.
        await self.references.ensure_exist(content.characteristic_ids, credentials=credentials)
        specification = Specification.create(content)
        async with self.uow_factory() as uow:
            await self._ensure_name_free(uow, specification)
            await uow.specifications.add(specification)
            await uow.commit()
        return specification

    async def get(self, specification_id: uuid.UUID) -> Specification:
        async with self.uow_factory() as uow:
            return await self._load(uow, specification_id)

    async def list(self, query: SpecificationQuery) -> tuple[list[Specification], int]:
        async with self.uow_factory() as uow:
            return await uow.specifications.list(query)

    async def replace(
        self,
        specification_id: uuid.UUID,
        fields: SpecificationFields,
        *,
        expected_version: int | None = None,
        credentials: str | None = None,
    ) -> Specification:
        async with self.uow_factory() as uow:
            current = await self._load(uow, specification_id)
        _check_version(current, expected_version)
        content = _content(fields)
        # Only new references need checking: the others were checked when they were added,
        # and an edit that adds none must not depend on the characteristic service.
        await self.references.ensure_exist(
            current.references_added_by(content), credentials=credentials
        )
        async with self.uow_factory() as uow:
            specification = await self._load(uow, specification_id)
            # The version read first guards the write, so a change that slipped in between
            # (whose new references were not checked here) makes this one fail with 412.
            _check_version(specification, current.version)
            if specification.update(content):
                await self._ensure_name_free(uow, specification)
                await uow.specifications.save(specification, expected_version=current.version)
                await uow.commit()
        return specification

    async def patch(
        self,
        specification_id: uuid.UUID,
        changes: SpecificationChanges,
        *,
        expected_version: int | None = None,
        credentials: str | None = None,
    ) -> Specification:
        async with self.uow_factory() as uow:
            current = await self._load(uow, specification_id)
        return await self.replace(
            specification_id,
            changes.applied_to(current),
            expected_version=current.version if expected_version is None else expected_version,
            credentials=credentials,
        )

    async def delete(
        self, specification_id: uuid.UUID, *, expected_version: int | None = None
    ) -> None:
        async with self.uow_factory() as uow:
            specification = await self._load(uow, specification_id)
            _check_version(specification, expected_version)
            await self._ensure_unused(uow, specification)
            loaded_version = specification.version
            specification.delete()
            await uow.specifications.remove(specification, expected_version=loaded_version)
            await uow.commit()

    @staticmethod
    async def _load(uow: UnitOfWork, specification_id: uuid.UUID) -> Specification:
        specification = await uow.specifications.get(specification_id)
        if specification is None:
            raise NotFound(f"No specification with id {specification_id}.")
        return specification

    @staticmethod
    async def _ensure_name_free(uow: UnitOfWork, specification: Specification) -> None:
        if await uow.specifications.name_taken(specification.name, excluding=specification.id):
            raise Conflict(f"A specification named '{specification.name}' already exists.")

    @staticmethod
    async def _ensure_unused(uow: UnitOfWork, specification: Specification) -> None:
        offerings = await uow.offering_usages.offerings_using(specification.id)
        if offerings:
            listed = ", ".join(f"'{o.name}' ({o.id})" for o in offerings)
            raise Conflict(
                f"The specification '{specification.name}' is used by offerings {listed}; "
                "remove it from them first."
            )
