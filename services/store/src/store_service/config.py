"""The store service's settings."""

from __future__ import annotations

from pydantic import SecretStr

from catalog_chassis.settings import ServiceSettings


class StoreSettings(ServiceSettings):
    service_name: str = "store"
    port: int = 8006
    # The document store (MongoDB wire protocol: FerretDB locally) and its database.
    mongodb_url: SecretStr = SecretStr("mongodb://127.0.0.1:27017/")
    mongodb_database: str = "store"
    # The search engine and which client speaks to it ("opensearch" | "elasticsearch").
    search_url: SecretStr = SecretStr("http://127.0.0.1:9200")
    search_engine: str = "opensearch"
    # The alias searches go through; rebuilds switch it to a new index.
    search_alias: str = "store-offerings"
    # How long one request to the search engine may take (searches and single writes; the
    # rebuild's bulk requests get REINDEX_SEARCH_TIMEOUT_SECONDS at least).
    search_timeout_seconds: float = 5.0
    # The write services, asked for parts the store has not heard of and for rebuilds.
    characteristic_url: str = "http://127.0.0.1:8002"
    specification_url: str = "http://127.0.0.1:8003"
    pricing_url: str = "http://127.0.0.1:8004"
    offering_url: str = "http://127.0.0.1:8005"
    identity_url: str = "http://127.0.0.1:8001"
    # The store's own account for reading the write services (any role reads).
    catalog_username: str = "store"
    catalog_password: SecretStr = SecretStr("")
