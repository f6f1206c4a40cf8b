"""The offering aggregate: specifications, prices and sales channels sold as one product,
taken through DRAFT → PUBLISHING → PUBLISHED → RETIRED by its state machine alone."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from catalog_chassis.domain import VersionedAggregate, iso_timestamp
from catalog_chassis.errors import Conflict, FieldError, ValidationFailed
from catalog_chassis.naming import name_errors, normalize_name

DESCRIPTION_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 2000
# Each reference may cost a lookup in its owner service: bound the fan-out.
MAX_REFERENCES = 100
SPECIFICATION_IDS_FIELD = "specificationIds"
PRICE_IDS_FIELD = "priceIds"
SALES_CHANNELS_FIELD = "salesChannels"


class SalesChannel(StrEnum):
    ONLINE = "ONLINE"
    MOBILE_APP = "MOBILE_APP"
    RETAIL_STORE = "RETAIL_STORE"
    CALL_CENTER = "CALL_CENTER"
    PARTNER = "PARTNER"


class LifecycleStatus(StrEnum):
    DRAFT = "DRAFT"
    PUBLISHING = "PUBLISHING"
    PUBLISHED = "PUBLISHED"
    RETIRED = "RETIRED"


class IllegalTransition(Conflict):
    """An operation the offering's current lifecycle status does not allow (409)."""


def _now() -> datetime:
    return datetime.now(UTC)


def _references(
    ids: Iterable[uuid.UUID], field_name: str, errors: list[FieldError]
) -> tuple[uuid.UUID, ...]:
    unique = tuple(dict.fromkeys(ids))
    if len(unique) > MAX_REFERENCES:
        errors.append(FieldError(field_name, f"may hold at most {MAX_REFERENCES} ids"))
    return unique


def _sales_channels(
    channels: Iterable[str | SalesChannel], errors: list[FieldError]
) -> tuple[SalesChannel, ...]:
    parsed: list[SalesChannel] = []
    for channel in channels:
        try:
            parsed.append(SalesChannel(channel))
        except ValueError:
            allowed = ", ".join(SalesChannel)
            errors.append(
                FieldError(SALES_CHANNELS_FIELD, f"'{channel}' is not a sales channel ({allowed})")
            )
    return tuple(dict.fromkeys(parsed))


@dataclass(frozen=True, kw_only=True)
class OfferingContent:
    """The fields a client chooses, normalized and checked together. A draft may be
    incomplete: empty lists are fine until it is published."""

    name: str
    description: str | None
    specification_ids: tuple[uuid.UUID, ...]
    price_ids: tuple[uuid.UUID, ...]
    sales_channels: tuple[SalesChannel, ...]

    @classmethod
    def validated(
        cls,
        *,
        name: str,
        description: str | None,
        specification_ids: Iterable[uuid.UUID],
        price_ids: Iterable[uuid.UUID],
        sales_channels: Iterable[str | SalesChannel],
    ) -> OfferingContent:
        """Every mistake at once; duplicates collapse into their first occurrence."""
        clean_name = normalize_name(name)
        clean_description = (description or "").strip() or None
        errors = name_errors(clean_name)
        if clean_description is not None and len(clean_description) > DESCRIPTION_MAX_LENGTH:
            errors.append(
                FieldError("description", f"must be at most {DESCRIPTION_MAX_LENGTH} characters")
            )
        specifications = _references(specification_ids, SPECIFICATION_IDS_FIELD, errors)
        prices = _references(price_ids, PRICE_IDS_FIELD, errors)
        channels = _sales_channels(sales_channels, errors)
        if errors:
            raise ValidationFailed("The offering is not valid.", errors)
        return cls(
            name=clean_name,
            description=clean_description,
            specification_ids=specifications,
            price_ids=prices,
            sales_channels=channels,
        )


@dataclass(eq=False, kw_only=True)
class Offering(VersionedAggregate):
    AGGREGATE_TYPE = "offering"
    EVENT_PREFIX = "Offering"

    name: str
    description: str | None
    specification_ids: list[uuid.UUID]
    price_ids: list[uuid.UUID]
    sales_channels: list[SalesChannel]
    lifecycle_status: LifecycleStatus = LifecycleStatus.DRAFT
    publication_failure_reason: str | None = None
    saga_id: uuid.UUID | None = None
    published_at: datetime | None = None
    retired_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 1
    created_at: datetime = field(default_factory=_now)
    updated_at: datetime = field(default_factory=_now)

    def __post_init__(self) -> None:
        VersionedAggregate.__init__(self)

    @classmethod
    def create(cls, content: OfferingContent) -> Offering:
        offering = cls(
            name=content.name,
            description=content.description,
            specification_ids=list(content.specification_ids),
            price_ids=list(content.price_ids),
            sales_channels=list(content.sales_channels),
        )
        offering.record_created()
        return offering

    @property
    def content(self) -> OfferingContent:
        return OfferingContent(
            name=self.name,
            description=self.description,
            specification_ids=tuple(self.specification_ids),
            price_ids=tuple(self.price_ids),
            sales_channels=tuple(self.sales_channels),
        )

    def references_added_by(
        self, content: OfferingContent
    ) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
        """The specifications and prices ``content`` refers to that this offering does not."""
        specifications = set(self.specification_ids)
        prices = set(self.price_ids)
        return (
            [sid for sid in content.specification_ids if sid not in specifications],
            [pid for pid in content.price_ids if pid not in prices],
        )

    # -- editing (drafts only) -------------------------------------------------------------

    def update(self, content: OfferingContent) -> bool:
        """Replace every field; False (and nothing changes) when nothing differs."""
        self._require(LifecycleStatus.DRAFT, "changed")
        if content == self.content:
            return False
        self.name = content.name
        self.description = content.description
        self.specification_ids = list(content.specification_ids)
        self.price_ids = list(content.price_ids)
        self.sales_channels = list(content.sales_channels)
        self.record_change("updated")
        return True

    def delete(self) -> None:
        self._require(LifecycleStatus.DRAFT, "deleted")
        self.record_change("deleted")

    # -- the lifecycle ---------------------------------------------------------------------

    def can_publish(self) -> list[FieldError]:
        """Every unmet requirement for publishing; empty when it may be published."""
        missing: list[FieldError] = []
        if not self.specification_ids:
            missing.append(FieldError(SPECIFICATION_IDS_FIELD, "needs at least one specification"))
        if not self.price_ids:
            missing.append(FieldError(PRICE_IDS_FIELD, "needs at least one price"))
        if not self.sales_channels:
            missing.append(FieldError(SALES_CHANNELS_FIELD, "needs at least one sales channel"))
        return missing

    def start_publication(self, saga_id: uuid.UUID) -> None:
        """DRAFT → PUBLISHING under ``saga_id``; ValidationFailed naming what is missing."""
        self._require(LifecycleStatus.DRAFT, "published")
        missing = self.can_publish()
        if missing:
            raise ValidationFailed("The offering is not ready to be published.", missing)
        self.lifecycle_status = LifecycleStatus.PUBLISHING
        self.saga_id = saga_id
        self.publication_failure_reason = None
        self.record_change("publication_initiated")

    def confirm_publication(self, saga_id: uuid.UUID) -> bool:
        """PUBLISHING → PUBLISHED; False when this saga confirmed it already (a retry)."""
        if self.lifecycle_status is LifecycleStatus.PUBLISHED and self.saga_id == saga_id:
            return False
        self._require_publishing(saga_id, "confirm")
        self.lifecycle_status = LifecycleStatus.PUBLISHED
        self.published_at = _now()
        self.record_change("published")
        return True

    def fail_publication(self, saga_id: uuid.UUID, reason: str) -> bool:
        """PUBLISHING → DRAFT with the reason a person can act on; False when this saga
        failed it already (compensation may be repeated)."""
        if (
            self.lifecycle_status is LifecycleStatus.DRAFT
            and self.saga_id == saga_id
            and self.publication_failure_reason is not None
        ):
            return False
        self._require_publishing(saga_id, "fail")
        clean_reason = " ".join(reason.split())[:REASON_MAX_LENGTH] or "The publication failed."
        self.lifecycle_status = LifecycleStatus.DRAFT
        self.publication_failure_reason = clean_reason
        self.record_change("publication_failed")
        return True

    def retire(self) -> None:
        """PUBLISHED → RETIRED."""
        self._require(LifecycleStatus.PUBLISHED, "retired")
        self.lifecycle_status = LifecycleStatus.RETIRED
        self.retired_at = _now()
        self.record_change("retired")

    def _require(self, status: LifecycleStatus, action: str) -> None:
        if self.lifecycle_status is not status:
            raise IllegalTransition(
                f"The offering '{self.name}' is {self.lifecycle_status.value}; "
                f"only a {status.value} offering can be {action}."
            )

    def _require_publishing(self, saga_id: uuid.UUID, action: str) -> None:
        if self.lifecycle_status is not LifecycleStatus.PUBLISHING:
            raise IllegalTransition(
                f"The offering '{self.name}' is {self.lifecycle_status.value}, not PUBLISHING; "
                f"saga {saga_id} cannot {action} its publication."
            )
        if self.saga_id != saga_id:
            raise IllegalTransition(
                f"The offering '{self.name}' is being published by saga {self.saga_id}, "
                f"not {saga_id}."
            )

    def snapshot(self) -> dict[str, Any]:
        """The aggregate as the API and the events show it (camelCase, JSON-ready)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "description": self.description,
            "specificationIds": [str(sid) for sid in self.specification_ids],
            "priceIds": [str(pid) for pid in self.price_ids],
            "salesChannels": [channel.value for channel in self.sales_channels],
            "lifecycleStatus": self.lifecycle_status.value,
            "publicationFailureReason": self.publication_failure_reason,
            "sagaId": str(self.saga_id) if self.saga_id else None,
            "publishedAt": iso_timestamp(self.published_at) if self.published_at else None,
            "retiredAt": iso_timestamp(self.retired_at) if self.retired_at else None,
            "version": self.version,
            "createdAt": iso_timestamp(self.created_at),
            "updatedAt": iso_timestamp(self.updated_at),
        }
