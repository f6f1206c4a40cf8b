"""The pricing service's settings."""

from __future__ import annotations

from catalog_chassis.settings import ServiceSettings


class PricingSettings(ServiceSettings):
    service_name: str = "pricing"
    port: int = 8004
