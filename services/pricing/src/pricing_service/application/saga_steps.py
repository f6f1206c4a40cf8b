"""Pricing's steps of the publication saga: lock an offering's prices for its saga, and
release them (compensation, or the offering retired)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from catalog_chassis.errors import Conflict, NotFound
from catalog_chassis.workflow.tasks import BusinessError, ExternalTask
from pricing_service.application.use_cases import PriceService

logger = logging.getLogger(__name__)

PRICE_LOCKED = "price-locked"
PRICE_GONE = "price-gone"


def price_ids(values: Iterable[Any]) -> list[uuid.UUID]:
    return [uuid.UUID(str(value)) for value in values]


@dataclass
class PricingSagaSteps:
    prices: PriceService

    async def lock_prices(self, task: ExternalTask) -> Mapping[str, Any] | None:
        """Lock every price of the offering for its saga (a repeat locks nothing new). A
        price locked by another publication, or gone, fails the step with its name."""
        saga_id = uuid.UUID(str(task.variable("sagaId")))
        for price_id in price_ids(task.json_variable("priceIds")):
            try:
                await self.prices.lock(price_id, saga_id)
            except NotFound as gone:
                raise BusinessError(
                    PRICE_GONE,
                    f"The price {price_id} no longer exists; "
                    "remove it from the offering and publish again.",
                ) from gone
            except Conflict as locked:
                price = await self.prices.get(price_id)
                raise BusinessError(
                    PRICE_LOCKED,
                    f"The price '{price.name}' ({price_id}) is locked by another publication; "
                    "retire the offering that uses it or choose another price, "
                    "then publish again.",
                ) from locked
        return None

    async def unlock_prices(self, task: ExternalTask) -> Mapping[str, Any] | None:
        """Release every lock this saga holds on the offering's prices."""
        await self.release(
            uuid.UUID(str(task.variable("sagaId"))), price_ids(task.json_variable("priceIds"))
        )
        return None

    async def release(self, saga_id: uuid.UUID, ids: Iterable[uuid.UUID]) -> None:
        """Unlock the prices ``saga_id`` holds among ``ids``; the others (unlocked, locked
        by another saga, deleted) are left as they are. Safe to repeat."""
        for price_id in ids:
            try:
                await self.prices.unlock(price_id, saga_id)
            except (NotFound, Conflict) as not_ours:
                logger.info("price %s not unlocked for saga %s: %s", price_id, saga_id, not_ours)
