"""Process settings shared by every service, read from the environment.

Services subclass `ServiceSettings` to add their own fields. Outside development the
settings refuse secrets that are empty or well-known defaults, so a misconfigured
deployment fails at start instead of running with `guest:guest`.
"""

from __future__ import annotations

from typing import ClassVar, Literal
from urllib.parse import unquote, urlsplit

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "production"]

# Values that ship as defaults with the software we run, or that people type when in a hurry.
KNOWN_DEFAULT_SECRETS = frozenset(
    {
        "",
        "admin",
        "changeit",
        "changeme",
        "changethis",
        "guest",
        "password",
        "postgres",
        "secret",
    }
)


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    # Settings a service never reads (identity talks to no broker): their defaults are not
    # refused outside development, since nothing would connect with them.
    unused_settings: ClassVar[frozenset[str]] = frozenset()

    service_name: str
    environment: Environment = "development"
    database_url: SecretStr | None = None
    rabbitmq_url: SecretStr = SecretStr("amqp://guest:guest@127.0.0.1:5672/")
    jwks_url: str = "http://127.0.0.1:8001/api/v1/auth/jwks"
    jwt_issuer: str = "catalog-identity"
    jwt_audience: str = "catalog-api"
    log_level: str = "INFO"
    port: int = 8000
    # The process engine (Camunda 7 REST API, ending in /engine-rest) of the services that
    # run saga steps, with the engine user of this service's workers.
    camunda_url: str | None = None
    camunda_username: str | None = None
    camunda_password: SecretStr | None = None
    # External-task workers: tasks handled at once per process, and how long one long poll
    # of fetchAndLock waits for a task.
    worker_concurrency: int = 8
    worker_long_poll_ms: int = 20_000
    # Where a worker process (relay, consumers, saga worker) serves /metrics and
    # /health/live; None: nowhere (the API serves its own on its port).
    metrics_port: int | None = None
    metrics_address: str = "127.0.0.1"

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> ServiceSettings:
        if self.environment == "development":
            return self
        offenders = [
            name.upper()
            for name, value in self
            if isinstance(value, SecretStr)
            and name not in self.unused_settings
            and _is_default_secret(value.get_secret_value())
        ]
        if offenders:
            raise ValueError(
                f"{', '.join(offenders)} must not use an empty or default secret "
                f"when ENVIRONMENT is {self.environment!r}"
            )
        return self


def _is_default_secret(value: str) -> bool:
    """A URL is judged by its password; any other secret by its whole value."""
    if "://" in value:
        password = urlsplit(value).password
        return password is None or unquote(password).lower() in KNOWN_DEFAULT_SECRETS
    return value.strip().lower() in KNOWN_DEFAULT_SECRETS
