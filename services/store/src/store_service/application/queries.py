"""What the public store API reads: one published offering, or a search."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from catalog_chassis.errors import NotFound
from store_service.application.ports import Documents
from store_service.application.search import SearchIndex, SearchQuery, SearchResult


@dataclass
class StoreQueries:
    documents: Documents
    index: SearchIndex

    async def offering(self, offering_id: uuid.UUID) -> dict[str, Any]:
        document = await self.documents.get(offering_id)
        if document is None:
            raise NotFound(f"No published offering with id {offering_id}.")
        return document.body

    async def search(self, query: SearchQuery) -> SearchResult:
        return await self.index.search(query)
