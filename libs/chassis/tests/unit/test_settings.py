from typing import ClassVar

import pytest
from pydantic import SecretStr, ValidationError

from catalog_chassis.settings import ServiceSettings

STRONG_DATABASE_URL = "postgresql+asyncpg://pricing:Xk3-9fQ2-z7Lw@127.0.0.1:5432/pricing"
STRONG_RABBITMQ_URL = "amqp://catalog:Vb8-q2Lp-0mZr@127.0.0.1:5672/"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SERVICE_NAME", "ENVIRONMENT", "DATABASE_URL", "RABBITMQ_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)


def test_reads_the_contract_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICE_NAME", "pricing")
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("DATABASE_URL", STRONG_DATABASE_URL)
    monkeypatch.setenv("RABBITMQ_URL", STRONG_RABBITMQ_URL)
    monkeypatch.setenv("JWKS_URL", "http://identity/api/v1/auth/jwks")
    monkeypatch.setenv("JWT_ISSUER", "issuer-x")
    monkeypatch.setenv("JWT_AUDIENCE", "audience-y")
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("PORT", "8004")

    settings = ServiceSettings()  # type: ignore[call-arg]

    assert settings.service_name == "pricing"
    assert settings.environment == "production"
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == STRONG_DATABASE_URL
    assert settings.rabbitmq_url.get_secret_value() == STRONG_RABBITMQ_URL
    assert settings.jwks_url == "http://identity/api/v1/auth/jwks"
    assert (settings.jwt_issuer, settings.jwt_audience) == ("issuer-x", "audience-y")
    assert settings.log_level == "DEBUG"
    assert settings.port == 8004


def test_defaults_suit_the_local_platform() -> None:
    settings = ServiceSettings(service_name="characteristic")

    assert settings.environment == "development"
    assert settings.jwt_issuer == "catalog-identity"
    assert settings.jwt_audience == "catalog-api"
    assert settings.jwks_url == "http://127.0.0.1:8001/api/v1/auth/jwks"


def test_secrets_are_hidden_from_repr() -> None:
    settings = ServiceSettings(service_name="pricing", database_url=STRONG_DATABASE_URL)

    assert "Xk3-9fQ2" not in repr(settings)
    assert "Xk3-9fQ2" not in str(settings.database_url)


def test_rejects_an_unknown_environment() -> None:
    with pytest.raises(ValidationError):
        ServiceSettings(service_name="pricing", environment="staging")  # type: ignore[arg-type]


def test_development_accepts_the_default_guest_account() -> None:
    settings = ServiceSettings(service_name="pricing", environment="development")

    assert settings.rabbitmq_url.get_secret_value().startswith("amqp://guest:guest@")


@pytest.mark.parametrize("environment", ["test", "production"])
def test_refuses_guest_rabbitmq_account_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="RABBITMQ_URL"):
        ServiceSettings(
            service_name="pricing",
            environment=environment,  # type: ignore[arg-type]
            database_url=STRONG_DATABASE_URL,
        )


@pytest.mark.parametrize("password", ["changeme", "postgres", "password", "secret", "PassWord"])
def test_refuses_well_known_database_passwords_outside_development(password: str) -> None:
    with pytest.raises(ValidationError, match="DATABASE_URL"):
        ServiceSettings(
            service_name="pricing",
            environment="production",
            database_url=f"postgresql+asyncpg://pricing:{password}@db:5432/pricing",
            rabbitmq_url=STRONG_RABBITMQ_URL,
        )


def test_refuses_a_database_url_without_password_outside_development() -> None:
    with pytest.raises(ValidationError, match="DATABASE_URL"):
        ServiceSettings(
            service_name="pricing",
            environment="production",
            database_url="postgresql+asyncpg://pricing@db:5432/pricing",
            rabbitmq_url=STRONG_RABBITMQ_URL,
        )


def test_accepts_strong_secrets_in_production() -> None:
    settings = ServiceSettings(
        service_name="pricing",
        environment="production",
        database_url=STRONG_DATABASE_URL,
        rabbitmq_url=STRONG_RABBITMQ_URL,
    )

    assert settings.environment == "production"


class SigningSettings(ServiceSettings):
    signing_key_passphrase: SecretStr


def test_subclass_secrets_are_checked_too() -> None:
    with pytest.raises(ValidationError, match="SIGNING_KEY_PASSPHRASE"):
        SigningSettings(
            service_name="identity",
            environment="production",
            database_url=STRONG_DATABASE_URL,
            rabbitmq_url=STRONG_RABBITMQ_URL,
            signing_key_passphrase="changeme",
        )


def test_subclass_reads_its_own_fields_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SIGNING_KEY_PASSPHRASE", "long-and-random-enough")

    settings = SigningSettings(service_name="identity")  # type: ignore[call-arg]

    assert settings.signing_key_passphrase.get_secret_value() == "long-and-random-enough"


class BrokerlessSettings(ServiceSettings):
    unused_settings: ClassVar[frozenset[str]] = frozenset({"rabbitmq_url"})


def test_a_service_without_a_broker_starts_in_production_without_a_rabbitmq_url() -> None:
    """Identity talks to no broker and its chart gives it no RABBITMQ_URL; the unused default
    must not stop it (it did, in the first real cluster)."""
    settings = BrokerlessSettings(
        service_name="identity", environment="production", database_url=STRONG_DATABASE_URL
    )

    assert settings.environment == "production"
    # The secrets it does use are still checked.
    with pytest.raises(ValidationError, match="DATABASE_URL"):
        BrokerlessSettings(
            service_name="identity",
            environment="production",
            database_url="postgresql+asyncpg://identity:postgres@db:5432/identity",
        )
