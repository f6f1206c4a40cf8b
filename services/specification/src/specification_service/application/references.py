"""Checking that the characteristics a specification refers to exist."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from catalog_chassis.errors import FieldError, ValidationFailed
from specification_service.application.ports import CharacteristicDirectory, UnitOfWork
from specification_service.domain.characteristics import KnownCharacteristic
from specification_service.domain.model import CHARACTERISTIC_IDS_FIELD

logger = logging.getLogger(__name__)


@dataclass
class CharacteristicReferences:
    """The cache answers first; the characteristic service answers for what the cache has
    not heard of yet (a characteristic created a moment ago, whose event is on its way),
    and what it finds is cached. A deletion the cache has heard of is final."""

    uow_factory: Callable[[], UnitOfWork]
    directory: CharacteristicDirectory

    async def ensure_exist(
        self, characteristic_ids: Sequence[uuid.UUID], *, credentials: str | None
    ) -> None:
        """ValidationFailed naming the unknown ids; ServiceUnavailable if it cannot tell."""
        if not characteristic_ids:
            return
        async with self.uow_factory() as uow:
            known = await uow.characteristic_cache.known(characteristic_ids)
            removed = await uow.characteristic_cache.removed(characteristic_ids)
        found: list[KnownCharacteristic] = []
        unknown: list[uuid.UUID] = []
        for characteristic_id in characteristic_ids:
            if characteristic_id in known:
                continue
            if characteristic_id in removed:
                unknown.append(characteristic_id)
                continue
            # One at a time: misses are rare, and the first ServiceUnavailable ends the check.
            characteristic = await self.directory.find(characteristic_id, credentials=credentials)
            if characteristic is None:
                unknown.append(characteristic_id)
            else:
                found.append(characteristic)
        if found:
            await self._remember(found)
        if unknown:
            listed = ", ".join(str(cid) for cid in unknown)
            raise ValidationFailed(
                "The specification refers to unknown characteristics.",
                [FieldError(CHARACTERISTIC_IDS_FIELD, f"unknown characteristics: {listed}")],
            )

    async def _remember(self, characteristics: list[KnownCharacteristic]) -> None:
        async with self.uow_factory() as uow:
            for characteristic in characteristics:
                await uow.characteristic_cache.store(characteristic)
            await uow.commit()
        logger.info("cached %d characteristic(s) found by lookup", len(characteristics))
