"""Offering use cases: create, replace, patch, delete, get and list drafts; publish, and the
saga's confirm and fail; retire."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from catalog_chassis.context import get_correlation_id
from catalog_chassis.errors import ValidationFailed
from catalog_chassis.propagation import current_trace_headers
from catalog_chassis.references import References
from catalog_chassis.resources import KEEP, ResourceUseCases, Unchanged, check_version
from offering_service.application.ports import (
    OfferingQuery,
    OfferingRepository,
    UnitOfWork,
)
from offering_service.application.publication import PublicationRequest
from offering_service.domain.model import Offering, OfferingContent, SalesChannel
from offering_service.domain.references import KnownResource

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class OfferingFields:
    name: str
    description: str | None
    specification_ids: Sequence[uuid.UUID]
    price_ids: Sequence[uuid.UUID]
    sales_channels: Sequence[str]

    def validated(self) -> OfferingContent:
        return OfferingContent.validated(
            name=self.name,
            description=self.description,
            specification_ids=self.specification_ids,
            price_ids=self.price_ids,
            sales_channels=self.sales_channels,
        )


@dataclass(frozen=True, kw_only=True)
class OfferingChanges:
    """A merge patch: ``KEEP`` keeps the current value; a ``None`` description removes it;
    a list is replaced whole."""

    name: str | Unchanged = KEEP
    description: str | Unchanged | None = KEEP
    specification_ids: Sequence[uuid.UUID] | Unchanged = KEEP
    price_ids: Sequence[uuid.UUID] | Unchanged = KEEP
    sales_channels: Sequence[str] | Unchanged = KEEP

    def applied_to(self, current: Offering) -> OfferingFields:
        return OfferingFields(
            name=current.name if self.name is KEEP else self.name,
            description=current.description if self.description is KEEP else self.description,
            specification_ids=(
                current.specification_ids
                if self.specification_ids is KEEP
                else self.specification_ids
            ),
            price_ids=current.price_ids if self.price_ids is KEEP else self.price_ids,
            sales_channels=(
                [channel.value for channel in current.sales_channels]
                if self.sales_channels is KEEP
                else self.sales_channels
            ),
        )


@dataclass(kw_only=True)
class OfferingService(ResourceUseCases[Offering, OfferingQuery, UnitOfWork]):
    """``credentials`` is the caller's bearer token, forwarded when a specification or a
    price has to be looked up in its owner service."""

    RESOURCE = "offering"

    specifications: References[KnownResource, UnitOfWork]
    prices: References[KnownResource, UnitOfWork]
    # Starts a requested saga right after its request commits (the fast path; the saga
    # worker's sweeper starts whatever this could not). None: the sweeper alone.
    start_saga: Callable[[uuid.UUID], Awaitable[object]] | None = None

    def repository(self, uow: UnitOfWork) -> OfferingRepository:
        return uow.offerings

    @staticmethod
    def sales_channels() -> list[SalesChannel]:
        return list(SalesChannel)

    async def create(self, fields: OfferingFields, *, credentials: str | None = None) -> Offering:
        content = fields.validated()
        # Checked before the transaction opens: a lookup may take a network round trip.
        await self._ensure_references_exist(
            content.specification_ids, content.price_ids, credentials=credentials
        )
        return await self._add(Offering.create(content))

    async def replace(
        self,
        offering_id: uuid.UUID,
        fields: OfferingFields,
        *,
        expected_version: int | None = None,
        credentials: str | None = None,
    ) -> Offering:
        current = await self._current(offering_id)
        check_version(self.RESOURCE, current.version, expected_version)
        content = fields.validated()
        # Only new references need checking: the others were checked when they were added.
        added_specifications, added_prices = current.references_added_by(content)
        await self._ensure_references_exist(
            added_specifications, added_prices, credentials=credentials
        )
        # The version read first guards the write: a change in between (whose references
        # were not checked here) makes this one fail with 412.
        return await self._update(
            offering_id,
            lambda offering: offering.update(content),
            expected_version=current.version,
        )

    async def patch(
        self,
        offering_id: uuid.UUID,
        changes: OfferingChanges,
        *,
        expected_version: int | None = None,
        credentials: str | None = None,
    ) -> Offering:
        current = await self._current(offering_id)
        return await self.replace(
            offering_id,
            changes.applied_to(current),
            expected_version=current.version if expected_version is None else expected_version,
            credentials=credentials,
        )

    async def publish(
        self, offering_id: uuid.UUID, *, expected_version: int | None = None
    ) -> Offering:
        """DRAFT → PUBLISHING (with ``offering.publication_initiated``) and the request to
        start its saga, in one transaction; then the saga is started. The saga ends the
        publication: PUBLISHED, or a DRAFT with the reason."""
        async with self.uow_factory() as uow:
            offering = await self._load(uow, offering_id, for_update=True)
            check_version(self.RESOURCE, offering.version, expected_version)
            loaded_version = offering.version
            offering.start_publication(uuid.uuid4())
            await uow.offerings.save(offering, expected_version=loaded_version)
            await uow.publication_requests.add(
                PublicationRequest.for_offering(
                    offering,
                    trace_headers=current_trace_headers(),
                    correlation_id=get_correlation_id(),
                )
            )
            await uow.commit()
        if self.start_saga is not None and offering.saga_id is not None:
            await self.start_saga(offering.saga_id)
        return offering

    async def confirm_publication(self, offering_id: uuid.UUID, saga_id: uuid.UUID) -> Offering:
        """The saga's last step: PUBLISHING → PUBLISHED (repeatable by the same saga)."""
        return await self._update(
            offering_id,
            lambda offering: offering.confirm_publication(saga_id),
            expected_version=None,
        )

    async def fail_publication(
        self, offering_id: uuid.UUID, saga_id: uuid.UUID, reason: str
    ) -> Offering:
        """The saga's compensation: PUBLISHING → DRAFT with ``reason`` (repeatable)."""
        return await self._update(
            offering_id,
            lambda offering: offering.fail_publication(saga_id, reason),
            expected_version=None,
        )

    async def retire(
        self, offering_id: uuid.UUID, *, expected_version: int | None = None
    ) -> Offering:
        def retire(offering: Offering) -> bool:
            offering.retire()
            return True

        return await self._update(offering_id, retire, expected_version=expected_version)

    async def _ensure_references_exist(
        self,
        specification_ids: Sequence[uuid.UUID],
        price_ids: Sequence[uuid.UUID],
        *,
        credentials: str | None,
    ) -> None:
        """ValidationFailed naming every unknown id of both kinds; ServiceUnavailable when
        an owner that had to be asked cannot answer."""
        errors = [
            *await self.specifications.field_errors(specification_ids, credentials=credentials),
            *await self.prices.field_errors(price_ids, credentials=credentials),
        ]
        if errors:
            raise ValidationFailed(
                "The offering refers to unknown specifications or prices.", errors
            )
