"""`.local/platform.env`, generated secrets and the per-service environment."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from dev.localplatform.discovery import ServiceSpec
from dev.localplatform.envfile import write_env_file
from dev.localplatform.paths import Layout, machine_secrets_dir
from dev.localplatform.platform_env import build_platform_env, database_accounts
from dev.localplatform.secrets_store import ensure_jwt_keys, ensure_password
from dev.localplatform.services import MONGODB_KEYS, SEARCH_KEYS, metrics_port, service_env


def spec(
    name: str,
    tmp_path: Path,
    *,
    database: bool = True,
    mongodb: bool = False,
    search: bool = False,
) -> ServiceSpec:
    return ServiceSpec(
        name=name,
        directory=tmp_path / name,
        port=8001,
        database=database,
        processes={"api": ["uvicorn", "--port", "{port}"]},
        mongodb=mongodb,
        search=search,
    )


def test_has_the_contract_keys_and_a_database_url_per_database_service(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    store = spec("store", tmp_path, database=False, mongodb=True, search=True)
    specs = [spec("identity", tmp_path), store]

    values = build_platform_env("admin-pw", specs, database_accounts(layout, specs), "mongo-pw")

    assert list(values) == [
        "CATALOG_ENVIRONMENT",
        "POSTGRES_ADMIN_URL",
        "RABBITMQ_URL",
        "RABBITMQ_MANAGEMENT_URL",
        "ZIPKIN_URL",
        "EDGE_URL",
        "MONGODB_URL",
        "OPENSEARCH_URL",
        "IDENTITY_DATABASE_URL",
        "STORE_MONGODB_URL",
    ]
    assert values["MONGODB_URL"] == (
        "mongodb://ferretdb:mongo-pw@127.0.0.1:27017/?authMechanism=PLAIN"
    )
    assert values["STORE_MONGODB_URL"] == (
        "mongodb://ferretdb:mongo-pw@127.0.0.1:27017/store?authMechanism=PLAIN"
    )
    assert values["OPENSEARCH_URL"] == "http://127.0.0.1:9200"
    assert values["POSTGRES_ADMIN_URL"] == (
        "postgresql://catalog_admin:admin-pw@127.0.0.1:5432/postgres"
    )
    password = (layout.secrets / "postgres-identity-password").read_text().strip()
    assert values["IDENTITY_DATABASE_URL"] == (
        f"postgresql+asyncpg://identity:{password}@127.0.0.1:5432/identity?sslmode=disable"
    )


def test_passwords_are_generated_once_and_private(tmp_path: Path) -> None:
    layout = Layout(tmp_path)

    first = ensure_password(layout, "postgres-identity-password")
    second = ensure_password(layout, "postgres-identity-password")

    assert first == second
    assert len(first) >= 24
    mode = stat.S_IMODE((layout.secrets / "postgres-identity-password").stat().st_mode)
    assert mode == 0o600


def test_jwt_keys_are_generated_once_with_a_private_private_key(tmp_path: Path) -> None:
    layout = Layout(tmp_path)

    keys = ensure_jwt_keys(layout)
    first_private = keys.private_key.read_bytes()
    ensure_jwt_keys(layout)

    assert keys.private_key.read_bytes() == first_private
    assert b"BEGIN PRIVATE KEY" in first_private
    assert b"BEGIN PUBLIC KEY" in keys.public_key.read_bytes()
    assert stat.S_IMODE(keys.private_key.stat().st_mode) == 0o600


def test_env_file_round_trips_and_reports_changes(tmp_path: Path) -> None:
    path = tmp_path / "platform.env"

    assert write_env_file(path, {"A": "1", "B": "x=y"}) is True
    assert write_env_file(path, {"A": "1", "B": "x=y"}) is False
    assert path.read_text().splitlines() == ["A=1", "B=x=y"]


def test_service_processes_get_the_settings_contract(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    identity = spec("identity", tmp_path)
    platform_env = {"RABBITMQ_URL": "amqp://x", "IDENTITY_DATABASE_URL": "postgresql+asyncpg://db"}
    keys = ensure_jwt_keys(layout)

    env = service_env(layout, identity, platform_env, keys)

    assert env["SERVICE_NAME"] == "identity"
    assert env["PORT"] == "8001"
    assert env["DATABASE_URL"] == "postgresql+asyncpg://db"
    assert env["RABBITMQ_URL"] == "amqp://x"
    assert env["ENVIRONMENT"] == "development"
    assert env["JWKS_URL"] == "http://127.0.0.1:8001/api/v1/auth/jwks"
    assert (env["JWT_ISSUER"], env["JWT_AUDIENCE"]) == ("catalog-identity", "catalog-api")
    assert env["JWT_PRIVATE_KEY_FILE"] == str(keys.private_key)
    assert env["OTEL_SERVICE_NAME"] == "identity"
    assert env["OTEL_TRACES_EXPORTER"] == "zipkin"
    assert env["OTEL_EXPORTER_ZIPKIN_ENDPOINT"] == "http://127.0.0.1:9411/api/v2/spans"
    assert env["OTEL_PROPAGATORS"] == "tracecontext,baggage,b3multi"
    assert env["PATH"].startswith(str(layout.venv_bin))


def test_only_identity_gets_the_signing_key(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    pricing = spec("pricing", tmp_path)

    env = service_env(layout, pricing, {"PRICING_DATABASE_URL": "u"}, ensure_jwt_keys(layout))

    assert "JWT_PRIVATE_KEY_FILE" not in env


def test_only_services_that_declare_them_get_the_document_store_and_search_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    layout = Layout(tmp_path)
    keys = ensure_jwt_keys(layout)
    # Exported by a developer's shell or loaded from platform.env by a test run: not inherited.
    monkeypatch.setenv("MONGODB_URL", "mongodb://leaked")
    monkeypatch.setenv("OPENSEARCH_URL", "http://leaked")
    platform_env = {
        "MONGODB_URL": "mongodb://ferretdb:pw@127.0.0.1:27017/?authMechanism=PLAIN",
        "STORE_MONGODB_URL": "mongodb://ferretdb:pw@127.0.0.1:27017/store?authMechanism=PLAIN",
        "OPENSEARCH_URL": "http://127.0.0.1:9200",
        "PRICING_DATABASE_URL": "u",
    }
    store = spec("store", tmp_path, database=False, mongodb=True, search=True)

    store_env = service_env(layout, store, platform_env, keys)
    pricing_env = service_env(layout, spec("pricing", tmp_path), platform_env, keys)

    assert store_env["MONGODB_URL"] == platform_env["STORE_MONGODB_URL"]
    assert store_env["MONGODB_DATABASE"] == "store"
    assert store_env["OPENSEARCH_URL"] == store_env["SEARCH_URL"] == "http://127.0.0.1:9200"
    assert store_env["SEARCH_ENGINE"] == "opensearch"
    assert not {key for key in MONGODB_KEYS + SEARCH_KEYS if key in pricing_env}


def test_search_alone_gives_no_document_store(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    indexer = spec("indexer", tmp_path, database=False, search=True)

    env = service_env(
        layout, indexer, {"OPENSEARCH_URL": "http://127.0.0.1:9200"}, ensure_jwt_keys(layout)
    )

    assert env["SEARCH_URL"] == "http://127.0.0.1:9200"
    assert "MONGODB_URL" not in env


def test_secrets_belong_to_the_machine_so_two_checkouts_share_them(tmp_path: Path) -> None:
    machine = tmp_path / "machine-secrets"
    first = Layout(tmp_path / "first", secrets_dir=machine)
    second = Layout(tmp_path / "second", secrets_dir=machine)

    password = ensure_password(first, "postgres-admin-password")

    assert ensure_password(second, "postgres-admin-password") == password
    assert not (tmp_path / "second" / ".local" / "secrets").exists()


def test_a_checkouts_own_secrets_are_adopted_by_the_machine_the_first_time(
    tmp_path: Path,
) -> None:
    old = Layout(tmp_path / "old")
    kept = ensure_password(old, "postgres-admin-password")
    machine = Layout(tmp_path / "old", secrets_dir=tmp_path / "machine-secrets")

    assert ensure_password(machine, "postgres-admin-password") == kept
    assert (tmp_path / "machine-secrets" / "postgres-admin-password").is_file()


def test_the_machine_secrets_directory_follows_the_environment(tmp_path: Path) -> None:
    assert machine_secrets_dir({"CATALOG_SECRETS_DIR": "/srv/s"}) == Path("/srv/s")
    assert machine_secrets_dir({"XDG_DATA_HOME": "/d"}) == Path("/d/catalog-platform/secrets")


def test_each_worker_process_gets_a_metrics_port_of_its_own(tmp_path: Path) -> None:
    store = ServiceSpec(
        name="store",
        directory=tmp_path,
        port=8006,
        database=False,
        processes={"api": ["x"], "consumers": ["x"], "saga-worker": ["x"]},
    )
    pricing = ServiceSpec(
        name="pricing",
        directory=tmp_path,
        port=8004,
        database=True,
        processes={"api": ["x"], "relay": ["x"], "consumers": ["x"], "saga-worker": ["x"]},
    )

    assert metrics_port(store, "api") is None
    assert metrics_port(store, "consumers") == 9106
    assert metrics_port(store, "saga-worker") == 9116
    ports = [metrics_port(pricing, p) for p in ("relay", "consumers", "saga-worker")]
    assert ports == [9104, 9114, 9124]
