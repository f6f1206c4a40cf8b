"""Builds `.local/platform.env` and the database accounts it points at."""

from __future__ import annotations

from . import postgres, rabbitmq, zipkin
from .discovery import ServiceSpec
from .envfile import write_env_file
from .paths import Layout
from .secrets_store import ensure_password

EDGE_URL = "http://127.0.0.1:8080"


def database_accounts(layout: Layout, specs: list[ServiceSpec]) -> list[postgres.DatabaseAccount]:
    return [
        postgres.DatabaseAccount(spec.name, ensure_password(layout, _password_secret(spec)))
        for spec in specs
        if spec.database
    ]


def _password_secret(spec: ServiceSpec) -> str:
    return f"postgres-{spec.name}-password"


def build_platform_env(
    admin_password: str, specs: list[ServiceSpec], accounts: list[postgres.DatabaseAccount]
) -> dict[str, str]:
    values = {
        "CATALOG_ENVIRONMENT": "development",
        "POSTGRES_ADMIN_URL": postgres.admin_url(admin_password),
        "RABBITMQ_URL": rabbitmq.AMQP_URL,
        "RABBITMQ_MANAGEMENT_URL": rabbitmq.MANAGEMENT_URL,
        "ZIPKIN_URL": zipkin.URL,
        "EDGE_URL": EDGE_URL,
    }
    by_name = {account.name: account for account in accounts}
    for spec in specs:
        if spec.name in by_name:
            values[f"{spec.env_prefix}_DATABASE_URL"] = by_name[spec.name].url()
    return values


def prepare_databases(layout: Layout, specs: list[ServiceSpec]) -> dict[str, str]:
    """Ensures the roles and databases exist and writes platform.env; returns its values."""
    admin_password = ensure_password(layout, postgres.ADMIN_PASSWORD_SECRET)
    accounts = database_accounts(layout, specs)
    postgres.ensure_accounts(admin_password, accounts)
    values = build_platform_env(admin_password, specs, accounts)
    write_env_file(layout.env_file, values)
    return values
