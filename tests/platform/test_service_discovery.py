"""Discovery of the services to run from services/*/pyproject.toml [tool.catalog]."""

from __future__ import annotations

from pathlib import Path

import pytest

from dev.localplatform.discovery import discover_services
from dev.localplatform.errors import PlatformError


def write_service(services: Path, name: str, catalog: str, *, alembic: bool = False) -> Path:
    directory = services / name
    directory.mkdir(parents=True)
    (directory / "pyproject.toml").write_text(
        f'[project]\nname = "{name}-service"\nversion = "0.1.0"\n\n{catalog}'
    )
    if alembic:
        (directory / "alembic.ini").write_text("[alembic]\n")
    return directory


IDENTITY = """
[tool.catalog]
port = 8001
database = true
seed = ["python", "-m", "identity_service.entrypoints.cli", "seed"]

[tool.catalog.processes]
api = ["uvicorn", "identity_service.entrypoints.api:create_app", "--port", "{port}"]
relay = ["python", "-m", "identity_service.entrypoints.relay"]
"""


def test_reads_the_process_contract_of_each_service(tmp_path: Path) -> None:
    directory = write_service(tmp_path, "identity", IDENTITY, alembic=True)

    [spec] = discover_services(tmp_path)

    assert spec.name == "identity"
    assert spec.directory == directory
    assert spec.port == 8001
    assert spec.database is True
    assert spec.has_migrations is True
    assert spec.seed == ["python", "-m", "identity_service.entrypoints.cli", "seed"]
    assert list(spec.processes) == ["api", "relay"]


def test_substitutes_the_port_into_commands(tmp_path: Path) -> None:
    write_service(tmp_path, "identity", IDENTITY)

    [spec] = discover_services(tmp_path)

    assert spec.command("api")[-2:] == ["--port", "8001"]
    assert spec.process_id("relay") == "identity-relay"


def test_ignores_members_without_a_catalog_table(tmp_path: Path) -> None:
    write_service(tmp_path, "identity", IDENTITY)
    write_service(tmp_path, "tooling", "[tool.ruff]\nline-length = 100\n")

    assert [spec.name for spec in discover_services(tmp_path)] == ["identity"]


def test_returns_services_sorted_by_name(tmp_path: Path) -> None:
    write_service(tmp_path, "pricing", "[tool.catalog]\nport = 8004\n")
    write_service(tmp_path, "characteristic", "[tool.catalog]\nport = 8002\n")

    assert [spec.name for spec in discover_services(tmp_path)] == ["characteristic", "pricing"]


def test_defaults_to_no_database_no_seed_and_no_processes(tmp_path: Path) -> None:
    write_service(tmp_path, "store", "[tool.catalog]\nport = 8006\n")

    [spec] = discover_services(tmp_path)

    assert (spec.database, spec.seed, spec.processes, spec.has_migrations) == (
        False,
        None,
        {},
        False,
    )


def test_a_missing_services_directory_means_no_services(tmp_path: Path) -> None:
    assert discover_services(tmp_path / "services") == []


def test_rejects_two_services_on_one_port(tmp_path: Path) -> None:
    write_service(tmp_path, "alpha", "[tool.catalog]\nport = 8001\n")
    write_service(tmp_path, "beta", "[tool.catalog]\nport = 8001\n")

    with pytest.raises(PlatformError, match="both declare port 8001"):
        discover_services(tmp_path)


def test_rejects_a_name_that_cannot_be_a_database_role(tmp_path: Path) -> None:
    write_service(tmp_path, "Bad-Name", "[tool.catalog]\nport = 8001\n")

    with pytest.raises(PlatformError, match="service name"):
        discover_services(tmp_path)


def test_rejects_a_command_that_is_not_a_list_of_strings(tmp_path: Path) -> None:
    write_service(tmp_path, "identity", '[tool.catalog.processes]\napi = "uvicorn app"\n')

    with pytest.raises(PlatformError, match="non-empty list of strings"):
        discover_services(tmp_path)


def test_reads_the_document_store_and_search_opt_ins(tmp_path: Path) -> None:
    write_service(tmp_path, "store", "[tool.catalog]\nport = 8006\nmongodb = true\nsearch = true\n")
    write_service(tmp_path, "pricing", "[tool.catalog]\nport = 8004\n")

    pricing, store = discover_services(tmp_path)

    assert (store.mongodb, store.search) == (True, True)
    assert (pricing.mongodb, pricing.search) == (False, False)


@pytest.mark.parametrize("line", ['mongodb = "yes"', "search = 1"])
def test_rejects_an_opt_in_that_is_not_a_boolean(tmp_path: Path, line: str) -> None:
    write_service(tmp_path, "store", f"[tool.catalog]\nport = 8006\n{line}\n")

    with pytest.raises(PlatformError, match="must be true or false"):
        discover_services(tmp_path)
