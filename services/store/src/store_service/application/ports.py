"""What the store's projection and API need from the outside world."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Collection
from datetime import datetime
from typing import Protocol

from store_service.domain.documents import Component, Kind, StoreDocument


class Components(Protocol):
    """The newest copy of every write-side aggregate the store has heard of."""

    async def store(self, component: Component) -> bool:
        """Keep it unless the copy held is as new or newer; atomic. False when not newer."""
        ...

    async def get(self, kind: Kind, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Component]: ...

    def published_offerings(self) -> AsyncIterator[Component]:
        """Every offering whose newest copy is PUBLISHED."""
        ...


class Documents(Protocol):
    """The composed documents of the published offerings (the store's own database)."""

    async def get(self, offering_id: uuid.UUID) -> StoreDocument | None: ...

    async def revision(self, offering_id: uuid.UUID) -> int | None:
        """The write counter of the offering's document; None when there is none."""
        ...

    async def replace(
        self, document: StoreDocument, *, expected_revision: int | None
    ) -> StoreDocument | None:
        """Write the document unless someone wrote it since ``expected_revision`` was read
        (None: it never had one); the document as written, with its next revision, or
        None on such a conflict."""
        ...

    async def remove(self, offering_id: uuid.UUID, *, expected_revision: int) -> int | None:
        """Withdraw the document (its revision lives on, so index writes stay ordered);
        the new revision, or None when someone wrote it since ``expected_revision``."""
        ...

    async def using(self, kind: Kind, component_id: uuid.UUID) -> list[uuid.UUID]:
        """The offerings whose document was composed from that part."""
        ...

    async def ids(self) -> set[uuid.UUID]: ...

    async def written_since(
        self, moment: datetime
    ) -> list[tuple[uuid.UUID, int, StoreDocument | None]]:
        """Each offering whose document was written (or removed: None) at or after
        ``moment``, with its current revision."""
        ...


class Staging(Protocol):
    """Offerings a publication saga has entered in the store while they are PUBLISHING
    (its ``create-store-entry`` step), so that they are in the store once confirmed."""

    async def stage(self, offering_id: uuid.UUID, saga_id: uuid.UUID) -> None: ...

    async def unstage(self, offering_id: uuid.UUID, saga_id: uuid.UUID) -> None: ...

    async def holds(self, offering_id: uuid.UUID, saga_id: uuid.UUID) -> bool: ...

    async def clear(self, offering_id: uuid.UUID) -> None:
        """Forget every saga's entry of the offering (its publication has ended)."""
        ...


class ProcessedEvents(Protocol):
    """Which events each consumer has handled (ids are never reused)."""

    async def seen(self, consumer: str, event_id: uuid.UUID) -> bool: ...

    async def remember(self, consumer: str, event_id: uuid.UUID) -> None: ...


class Catalog(Protocol):
    """The write services, asked for parts the store has no copy of (events missed or
    still on the way) and for everything when the store is rebuilt."""

    async def fetch(self, kind: Kind, component_id: uuid.UUID) -> Component | None:
        """The owner's current snapshot; None when it does not exist (any more).
        ServiceUnavailable when the owner cannot say."""
        ...

    def published_offerings(self) -> AsyncIterator[Component]: ...

    def listed(self, kind: Kind) -> AsyncIterator[Component]:
        """Every component of ``kind`` the owner holds, page by page (a rebuild's bulk read;
        one changed while it is listed may be missed or listed twice)."""
        ...
