"""Asking the characteristic service about a characteristic the cache has not heard of."""

from __future__ import annotations

from catalog_chassis.http_client import HttpDirectory, ServiceClient
from specification_service.domain.characteristics import KnownCharacteristic

CHARACTERISTICS_PATH = "/api/v1/characteristics"


def http_characteristic_directory(client: ServiceClient) -> HttpDirectory[KnownCharacteristic]:
    """GET /api/v1/characteristics/{id} through the chassis ServiceClient."""
    return HttpDirectory(client, CHARACTERISTICS_PATH, KnownCharacteristic.from_snapshot)
