"""Reference integrity across services: which aggregates of another service (the referrers)
use each of this service's resources, as learnt from the referrers' events.

A resource in use must not be deleted. The referrers' owner holds the references; the
referenced service keeps the inverse view, fed by the owner's snapshot events. Events may
arrive out of order or twice, so the last version seen of each referrer decides: an event
changes the view only if it is about a newer version.

Pure Python: domain and application layers import it. The SQL adapter is
:class:`catalog_chassis.usage_tables.SqlReferenceUsages`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from catalog_chassis.errors import Conflict
from catalog_chassis.references import MalformedSnapshot, snapshot_version

__all__ = [
    "MalformedSnapshot",
    "ReferenceUsages",
    "Referrer",
    "ReferrerEvents",
    "ReferrerRelease",
    "ReferrerUsage",
    "apply_referrer_event",
    "ensure_unused",
    "offering_events",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Referrer:
    """An aggregate of another service using some of this service's resources."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True, kw_only=True)
class ReferrerUsage:
    """A referrer at one version and the ids of the resources it uses then."""

    referrer: Referrer
    version: int
    referenced_ids: frozenset[uuid.UUID]


@dataclass(frozen=True, kw_only=True)
class ReferrerRelease:
    """The referrer uses nothing from this version on (deleted, or retired)."""

    referrer_id: uuid.UUID
    version: int


ReferrerChange = ReferrerUsage | ReferrerRelease


class ReferenceUsages(Protocol):
    """Which referrers use each resource, with the last version seen of each referrer, so
    that events arriving out of order cannot roll the view back."""

    async def referrers_of(self, referenced_id: uuid.UUID) -> list[Referrer]:
        """The referrers using the resource, by name (then id)."""
        ...

    async def record(self, usage: ReferrerUsage) -> bool:
        """Replace the referrer's usages with these, unless a version as new or newer was
        seen already (atomic, as replicas may race); False when it was not newer."""
        ...

    async def release(self, referrer_id: uuid.UUID, *, version: int) -> bool:
        """Forget the referrer's usages, remembering its version; False when not newer."""
        ...


@dataclass(frozen=True, kw_only=True)
class ReferrerEvents:
    """How a producer's events tell what its aggregates use.

    ``recording`` events carry the referrer's snapshot (camelCase: ``id``, ``name``,
    ``version``, and the list ``ids_field``), which replaces its usages — unless its
    ``status_field`` holds one of ``released_statuses`` (a retired offering uses nothing).
    ``releasing`` events (a deletion) end its usages; they need only ``id`` and ``version``.
    Other event types say nothing about usages.
    """

    referrer: str
    ids_field: str
    recording: frozenset[str]
    releasing: frozenset[str]
    status_field: str | None = None
    statuses: frozenset[str] = frozenset()
    released_statuses: frozenset[str] = frozenset()

    def change(self, event_type: str, snapshot: Mapping[str, Any]) -> ReferrerChange | None:
        """What the event says about the referrer's usages; None when nothing.
        MalformedSnapshot for bad data."""
        if event_type not in self.recording and event_type not in self.releasing:
            return None
        try:
            referrer_id, version = uuid.UUID(str(snapshot["id"])), snapshot_version(snapshot)
            if event_type in self.releasing or self._released(snapshot):
                return ReferrerRelease(referrer_id=referrer_id, version=version)
            ids = snapshot[self.ids_field]
            if not isinstance(ids, list):
                raise TypeError(f"{self.ids_field} must be a list, not {ids!r}")
            return ReferrerUsage(
                referrer=Referrer(id=referrer_id, name=str(snapshot["name"])),
                version=version,
                referenced_ids=frozenset(uuid.UUID(str(each)) for each in ids),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedSnapshot(f"not a {self.referrer} snapshot: {error!r}") from error

    def _released(self, snapshot: Mapping[str, Any]) -> bool:
        if self.status_field is None:
            return False
        status = snapshot[self.status_field]
        if status not in self.statuses:
            raise ValueError(f"{self.status_field} must be one of {sorted(self.statuses)}")
        return status in self.released_statuses


async def apply_referrer_event(
    usages: ReferenceUsages,
    events: ReferrerEvents,
    event_type: str,
    snapshot: Mapping[str, Any],
) -> bool:
    """Record or release what a referrer's event says, unless a newer version of the
    referrer was seen (so a late or repeated event changes nothing). False when the event
    was ignored. MalformedSnapshot for bad data."""
    change = events.change(event_type, snapshot)
    if change is None:
        logger.info("ignoring %s event of type %s", events.referrer, event_type)
        return False
    if isinstance(change, ReferrerRelease):
        referrer_id = change.referrer_id
        applied = await usages.release(referrer_id, version=change.version)
    else:
        referrer_id = change.referrer.id
        applied = await usages.record(change)
    if not applied:
        logger.info(
            "ignoring %s of %s %s at version %d: a newer one was seen",
            event_type,
            events.referrer,
            referrer_id,
            change.version,
        )
    return applied


def offering_events(ids_field: str) -> ReferrerEvents:
    """The offering service's events (ARCHITECTURE.md, "Offerings"), as a service whose
    resources offerings list in ``ids_field`` (``specificationIds``, ``priceIds``) reads
    them: an offering uses them until it is retired or deleted. Every event but the deletion
    carries the offering's snapshot. Defined once, as two services read the same contract.
    """
    return ReferrerEvents(
        referrer="offering",
        ids_field=ids_field,
        recording=frozenset(
            {
                "OfferingCreated",
                "OfferingUpdated",
                "OfferingPublicationInitiated",
                "OfferingPublished",
                "OfferingPublicationFailed",
                "OfferingRetired",
            }
        ),
        releasing=frozenset({"OfferingDeleted"}),
        status_field="lifecycleStatus",
        statuses=frozenset({"DRAFT", "PUBLISHING", "PUBLISHED", "RETIRED"}),
        released_statuses=frozenset({"RETIRED"}),
    )


def ensure_unused(
    resource: str, name: str, referrers: Sequence[Referrer], *, referrer_kind: str
) -> None:
    """Conflict (409) naming the referrers if there are any: "The price 'Basic' is used by
    offerings 'Fibre' (id), 'Mobile' (id); remove it from them first." """
    if referrers:
        listed = ", ".join(f"'{referrer.name}' ({referrer.id})" for referrer in referrers)
        raise Conflict(
            f"The {resource} '{name}' is used by {referrer_kind} {listed}; "
            "remove it from them first."
        )
