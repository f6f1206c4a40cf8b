"""Builds `.local/platform.env` and the database accounts it points at."""

from __future__ import annotations

from . import camunda, ferretdb, opensearch, postgres, rabbitmq, zipkin
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
    admin_password: str,
    specs: list[ServiceSpec],
    accounts: list[postgres.DatabaseAccount],
    mongodb_password: str,
    camunda_admin_password: str | None = None,
) -> dict[str, str]:
    values = {
        "CATALOG_ENVIRONMENT": "development",
        "POSTGRES_ADMIN_URL": postgres.admin_url(admin_password),
        "RABBITMQ_URL": rabbitmq.AMQP_URL,
        "RABBITMQ_MANAGEMENT_URL": rabbitmq.MANAGEMENT_URL,
        "ZIPKIN_URL": zipkin.URL,
        "EDGE_URL": EDGE_URL,
        # FerretDB: authenticated as its Postgres role (PLAIN), no default database.
        "MONGODB_URL": ferretdb.mongodb_url(mongodb_password),
        "OPENSEARCH_URL": opensearch.URL,
    }
    if camunda_admin_password is not None:
        # The engine's REST API and its admin (the tests log in as it; services never do).
        values.update(camunda.platform_env(camunda_admin_password))
    by_name = {account.name: account for account in accounts}
    for spec in specs:
        if spec.name in by_name:
            values[f"{spec.env_prefix}_DATABASE_URL"] = by_name[spec.name].url()
        if spec.mongodb:
            # The same role, with the service's own Mongo database as the default one.
            values[f"{spec.env_prefix}_MONGODB_URL"] = ferretdb.mongodb_url(
                mongodb_password, database=spec.name
            )
    return values


def prepare_databases(layout: Layout, specs: list[ServiceSpec]) -> dict[str, str]:
    """Ensures the roles and databases exist (the services', FerretDB's and the process
    engine's) and writes platform.env; returns its values."""
    admin_password = ensure_password(layout, postgres.ADMIN_PASSWORD_SECRET)
    accounts = database_accounts(layout, specs)
    mongodb_account = ferretdb.account(layout)
    postgres.ensure_accounts(
        admin_password, [*accounts, mongodb_account, camunda.database_account(layout)]
    )
    postgres.run_as_superuser(ferretdb.equality_indexes_script())
    values = build_platform_env(
        admin_password,
        specs,
        accounts,
        mongodb_account.password,
        camunda_admin_password=camunda.admin_password(layout),
    )
    write_env_file(layout.env_file, values)
    return values
