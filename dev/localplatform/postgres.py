"""PostgreSQL (Debian's cluster tools): start, adopt, stop, and the roles and databases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import ownership
from .commands import run, succeeds
from .console import done, info, step
from .errors import PlatformError
from .paths import Layout

HOST = "127.0.0.1"
PORT = 5432
ADMIN_ROLE = "catalog_admin"
ADMIN_PASSWORD_SECRET = "postgres-admin-password"  # noqa: S105 - a file name
COMPONENT = "postgres"


@dataclass(frozen=True)
class Cluster:
    version: str
    name: str


@dataclass(frozen=True)
class DatabaseAccount:
    """A login role that owns a database of the same name."""

    name: str
    password: str

    def url(self, driver: str = "postgresql+asyncpg") -> str:
        # Loopback only: TLS would cost every query Python's asyncio SSL layer for nothing.
        return f"{driver}://{self.name}:{self.password}@{HOST}:{PORT}/{self.name}?sslmode=disable"


def admin_url(password: str) -> str:
    return f"postgresql://{ADMIN_ROLE}:{password}@{HOST}:{PORT}/postgres"


def is_accepting() -> bool:
    return succeeds(["pg_isready", "-q", "-h", HOST, "-p", str(PORT)], timeout=10)


def ensure_running(layout: Layout, *, installed_now: bool) -> None:
    if is_accepting():
        if not installed_now:
            info("postgres already running: adopted (down leaves it running)")
        else:
            # Installing the package started it: it is ours as much as if we had started it.
            ownership.record_started(layout, COMPONENT)
        return
    cluster = _cluster_on_port() or _create_cluster()
    step(f"starting postgres {cluster.version}/{cluster.name}")
    run(["pg_ctlcluster", cluster.version, cluster.name, "start"], timeout=120)
    ownership.record_started(layout, COMPONENT)
    done("postgres started")


# Every service keeps a pool per process (API, relay, consumers), the test suites open
# throwaway databases, FerretDB and the process engine add theirs: Debian's default of 100
# runs out. Raised (with a restart) only on a cluster the platform owns.
MAX_CONNECTIONS = 300


def ensure_capacity(layout: Layout) -> None:
    current = run(
        ["runuser", "-u", "postgres", "--", "psql", "-X", "-tA", "-c", "SHOW max_connections"],
        cwd=Path("/"),
        timeout=30,
    ).stdout.strip()
    if current.isdigit() and int(current) >= MAX_CONNECTIONS:
        return
    if not ownership.started_by_platform(layout, COMPONENT):
        info(f"postgres allows {current} connections; the platform may need {MAX_CONNECTIONS}")
        return
    cluster = _cluster_on_port()
    if cluster is None:
        return
    step(f"raising postgres max_connections {current} -> {MAX_CONNECTIONS} (restart)")
    run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            "psql",
            "-X",
            "-q",
            "-c",
            f"ALTER SYSTEM SET max_connections = {MAX_CONNECTIONS}",
        ],
        cwd=Path("/"),
        timeout=30,
    )
    run(["pg_ctlcluster", cluster.version, cluster.name, "restart"], timeout=120)
    done("postgres restarted")


def stop_if_started(layout: Layout) -> None:
    if not ownership.started_by_platform(layout, COMPONENT):
        info("postgres was not started by up: left running")
        return
    cluster = _cluster_on_port()
    if cluster is not None and is_accepting():
        step("stopping postgres")
        run(["pg_ctlcluster", cluster.version, cluster.name, "stop"], timeout=120)
    ownership.forget(layout, COMPONENT)


def accounts_script(accounts: Iterable[DatabaseAccount]) -> str:
    """A psql script creating (or re-passwording) one login role and its database per account;
    idempotent. The cluster's Postgres runs the same script (dev/localcluster/secrets.py)."""
    script = ""
    for account in accounts:
        script += _ensure_role_script(account.name, account.password, "LOGIN")
        script += _CREATE_DATABASE_IF_MISSING
    return script


def ensure_accounts(admin_password: str, accounts: Iterable[DatabaseAccount]) -> None:
    """Creates (or re-passwords) the admin role and one role + database per account."""
    script = _ensure_role_script(ADMIN_ROLE, admin_password, "LOGIN CREATEDB CREATEROLE")
    run_as_superuser(script + accounts_script(accounts))


def run_as_superuser(script: str) -> None:
    """Runs a psql script as the cluster's superuser; stops at the first error."""
    # Run as the postgres superuser over the local socket (peer authentication). The script
    # and its passwords go through stdin, never the command line, and psql's own :'var' and
    # :"var" interpolation does the SQL quoting.
    run(
        ["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"],
        input_text=script,
        cwd=Path("/"),
        timeout=60,
    )


_CREATE_ROLE_IF_MISSING = (
    "SELECT format('CREATE ROLE %I', :'role')"
    " WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')\\gexec\n"
)
_CREATE_DATABASE_IF_MISSING = (
    "SELECT format('CREATE DATABASE %I OWNER %I', :'role', :'role')"
    " WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'role')\\gexec\n"
)


def _ensure_role_script(role: str, password: str, attributes: str) -> str:
    return (
        f"\\set role {_psql_quote(role)}\n"
        f"\\set password {_psql_quote(password)}\n"
        + _CREATE_ROLE_IF_MISSING
        + f"ALTER ROLE :\"role\" {attributes} PASSWORD :'password';\n"
    )


def _psql_quote(value: str) -> str:
    """A psql meta-command argument in single quotes (psql unescapes it)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _cluster_on_port() -> Cluster | None:
    result = run(["pg_lsclusters", "--no-header"], check=False)
    for line in result.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[2] == str(PORT):
            return Cluster(version=fields[0], name=fields[1])
    return None


def _create_cluster() -> Cluster:
    binaries = Path("/usr/lib/postgresql").glob("*/bin/postgres")
    installed = sorted((path.parent.parent.name for path in binaries), key=int)
    if not installed:
        raise PlatformError("PostgreSQL server binaries not found under /usr/lib/postgresql")
    cluster = Cluster(version=installed[-1], name="main")
    step(f"creating postgres cluster {cluster.version}/{cluster.name}")
    run(["pg_createcluster", "--port", str(PORT), cluster.version, cluster.name], timeout=120)
    return cluster
