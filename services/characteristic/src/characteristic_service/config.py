"""The characteristic service's settings."""

from __future__ import annotations

from catalog_chassis.settings import ServiceSettings


class CharacteristicSettings(ServiceSettings):
    service_name: str = "characteristic"
    port: int = 8002
