"""Finds the services to run from `services/*/pyproject.toml` `[tool.catalog]` tables."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import PlatformError

# Service names become Postgres role and database names and environment variable prefixes.
_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PROCESS_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True)
class ServiceSpec:
    """One service's process contract, as declared in its pyproject.toml."""

    name: str
    directory: Path
    port: int | None
    database: bool
    processes: dict[str, list[str]]
    seed: list[str] | None = None
    has_migrations: bool = field(default=False)
    # Opt-ins to the document store (FerretDB) and the search engine (OpenSearch): only a
    # service that declares one gets its MONGODB_URL / OPENSEARCH_URL.
    mongodb: bool = False
    search: bool = False
    # Opt-in to the process engine (Camunda): an engine user of its own and CAMUNDA_URL /
    # CAMUNDA_USERNAME / CAMUNDA_PASSWORD to fetch and complete its external tasks with.
    camunda: bool = False
    # A service that calls others on nobody's behalf gets an account of its own (created
    # by the service that declares `accounts`, the identity service) and CATALOG_USERNAME /
    # CATALOG_PASSWORD to log in with.
    service_account: bool = False
    accounts: list[str] | None = None

    @property
    def env_prefix(self) -> str:
        return self.name.upper()

    def process_id(self, process: str) -> str:
        """The name used for the process's pid and log files."""
        return f"{self.name}-{process}"

    def command(self, process: str) -> list[str]:
        port = "" if self.port is None else str(self.port)
        return [part.replace("{port}", port) for part in self.processes[process]]


def discover_services(services_dir: Path) -> list[ServiceSpec]:
    """Every service directory whose pyproject.toml has a `[tool.catalog]` table, by name."""
    if not services_dir.is_dir():
        return []
    specs = [
        spec
        for pyproject in sorted(services_dir.glob("*/pyproject.toml"))
        if (spec := load_service(pyproject)) is not None
    ]
    _reject_duplicate_ports(specs)
    return specs


def load_service(pyproject: Path) -> ServiceSpec | None:
    with pyproject.open("rb") as handle:
        catalog = tomllib.load(handle).get("tool", {}).get("catalog")
    if catalog is None:
        return None
    directory = pyproject.parent
    name = directory.name
    if not _SERVICE_NAME.match(name):
        raise PlatformError(
            f"{pyproject}: service name {name!r} must match {_SERVICE_NAME.pattern}"
        )
    return ServiceSpec(
        name=name,
        directory=directory,
        port=_optional_port(pyproject, catalog.get("port")),
        database=bool(catalog.get("database", False)),
        processes=_processes(pyproject, catalog.get("processes", {})),
        seed=_command(pyproject, "seed", catalog["seed"]) if "seed" in catalog else None,
        has_migrations=(directory / "alembic.ini").is_file(),
        mongodb=_flag(pyproject, catalog, "mongodb"),
        search=_flag(pyproject, catalog, "search"),
        camunda=_flag(pyproject, catalog, "camunda"),
        service_account=_flag(pyproject, catalog, "service_account"),
        accounts=_command(pyproject, "accounts", catalog["accounts"])
        if "accounts" in catalog
        else None,
    )


def _flag(pyproject: Path, catalog: dict[str, Any], key: str) -> bool:
    value = catalog.get(key, False)
    if not isinstance(value, bool):
        raise PlatformError(f"{pyproject}: [tool.catalog] {key} must be true or false")
    return value


def _optional_port(pyproject: Path, value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or not 1 <= value <= 65535:
        raise PlatformError(f"{pyproject}: [tool.catalog] port must be an integer 1-65535")
    return value


def _processes(pyproject: Path, table: Any) -> dict[str, list[str]]:
    if not isinstance(table, dict):
        raise PlatformError(f"{pyproject}: [tool.catalog.processes] must be a table")
    processes: dict[str, list[str]] = {}
    for process, command in table.items():
        if not _PROCESS_NAME.match(process):
            raise PlatformError(f"{pyproject}: process name {process!r} is not a plain name")
        processes[process] = _command(pyproject, process, command)
    return processes


def _command(pyproject: Path, what: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise PlatformError(f"{pyproject}: {what} must be a non-empty list of strings")
    return list(value)


def _reject_duplicate_ports(specs: list[ServiceSpec]) -> None:
    owners: dict[int, str] = {}
    for spec in specs:
        if spec.port is None:
            continue
        if spec.port in owners:
            raise PlatformError(
                f"services {owners[spec.port]} and {spec.name} both declare port {spec.port}"
            )
        owners[spec.port] = spec.name
