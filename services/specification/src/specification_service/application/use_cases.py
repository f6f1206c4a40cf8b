"""Specification use cases: create, replace, patch, delete, get and list."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from catalog_chassis.resources import KEEP, ResourceUseCases, Unchanged, check_version
from catalog_chassis.usages import ensure_unused
from specification_service.application.ports import (
    SpecificationQuery,
    SpecificationRepository,
    UnitOfWork,
)
from specification_service.application.references import CharacteristicReferences
from specification_service.domain.model import Specification, SpecificationContent


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


@dataclass
class SpecificationService(
    ResourceUseCases[Specification, SpecificationQuery, UnitOfWork],
):
    """``credentials`` is the caller's bearer token, forwarded when a characteristic has
    to be looked up in the characteristic service."""

    RESOURCE = "specification"

    references: CharacteristicReferences

    def repository(self, uow: UnitOfWork) -> SpecificationRepository:
        return uow.specifications

    async def create(
        self, fields: SpecificationFields, *, credentials: str | None = None
    ) -> Specification:
        content = _content(fields)
        # Checked before the transaction opens: a lookup may take a network round trip.
        await self.references.ensure_exist(content.characteristic_ids, credentials=credentials)
        return await self._add(Specification.create(content))

    async def replace(
        self,
        specification_id: uuid.UUID,
        fields: SpecificationFields,
        *,
        expected_version: int | None = None,
        credentials: str | None = None,
    ) -> Specification:
        current = await self._current(specification_id)
        check_version(self.RESOURCE, current.version, expected_version)
        content = _content(fields)
        # Only new references need checking: the others were checked when they were added,
        # and an edit that adds none must not depend on the characteristic service.
        await self.references.ensure_exist(
            current.references_added_by(content), credentials=credentials
        )
        # The version read first guards the write, so a change that slipped in between
        # (whose new references were not checked here) makes this one fail with 412.
        return await self._update(
            specification_id,
            lambda specification: specification.update(content),
            expected_version=current.version,
        )

    async def patch(
        self,
        specification_id: uuid.UUID,
        changes: SpecificationChanges,
        *,
        expected_version: int | None = None,
        credentials: str | None = None,
    ) -> Specification:
        current = await self._current(specification_id)
        return await self.replace(
            specification_id,
            changes.applied_to(current),
            expected_version=current.version if expected_version is None else expected_version,
            credentials=credentials,
        )

    async def _ensure_deletable(self, uow: UnitOfWork, specification: Specification) -> None:
        offerings = await uow.offering_usages.referrers_of(specification.id)
        ensure_unused("specification", specification.name, offerings, referrer_kind="offerings")
