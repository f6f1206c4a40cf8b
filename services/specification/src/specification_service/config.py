"""The specification service's settings."""

from __future__ import annotations

from catalog_chassis.settings import ServiceSettings


class SpecificationSettings(ServiceSettings):
    service_name: str = "specification"
    port: int = 8003
    # Asked for characteristics the local cache has not heard of yet.
    characteristic_url: str = "http://127.0.0.1:8002"
