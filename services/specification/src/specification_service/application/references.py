"""Checking that the characteristics a specification refers to exist: the chassis'
reference check (event-fed cache first, the characteristic service on a miss)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from catalog_chassis.references import References
from specification_service.application.ports import CharacteristicCache, UnitOfWork
from specification_service.domain.characteristics import KnownCharacteristic
from specification_service.domain.model import CHARACTERISTIC_IDS_FIELD


def _characteristic_cache(uow: UnitOfWork) -> CharacteristicCache:
    return uow.characteristic_cache


@dataclass(kw_only=True)
class CharacteristicReferences(References[KnownCharacteristic, UnitOfWork]):
    cache: Callable[[UnitOfWork], CharacteristicCache] = _characteristic_cache
    field: str = CHARACTERISTIC_IDS_FIELD
    subject: str = "The specification"
    kind: str = "characteristics"
