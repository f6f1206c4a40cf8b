"""The offering service's settings."""

from __future__ import annotations

from catalog_chassis.settings import ServiceSettings


class OfferingSettings(ServiceSettings):
    service_name: str = "offering"
    port: int = 8005
    # Asked for specifications and prices the local caches have not heard of yet.
    specification_url: str = "http://127.0.0.1:8003"
    pricing_url: str = "http://127.0.0.1:8004"
