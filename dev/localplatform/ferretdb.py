"""FerretDB v1: the MongoDB wire protocol on the local Postgres, built from the Go module proxy.

`dev/ferretdb/` is a tiny Go main module embedding FerretDB's `ferretdb` package; its go.mod
pins the version and go.sum every module checksum. The binary is built once into the cache
outside the checkout (see buildcache.py) and rebuilt only when go.mod, go.sum, main.go or the
build flags change; Go's own build cache makes even that rebuild quick.

Authentication is FerretDB v1's default: the PLAIN credentials a client sends become the
Postgres role FerretDB connects as. The platform gives FerretDB its own role and database
(`ferretdb`), and MONGODB_URL carries that role's credentials.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import quote

from . import postgres
from .buildcache import build_dir, content_key, publish, staging_dir
from .commands import run
from .console import done, info, step
from .errors import PlatformError
from .paths import REPO_ROOT, Layout
from .probes import Readiness, port_open
from .processes import log_tail, start_detached, tracked_pid
from .secrets_store import ensure_password, stored_password

NAME = "ferretdb"
HOST = "127.0.0.1"
PORT = 27017
URL = f"mongodb://{HOST}:{PORT}"
MODULE = "github.com/FerretDB/FerretDB"
SOURCE_DIR = REPO_ROOT / "dev" / "ferretdb"
SOURCE_FILES = ("go.mod", "go.sum", "main.go")
EQUALITY_INDEXES = SOURCE_DIR / "equality_indexes.sql"
# Only the PostgreSQL backend: leaving SQLite out halves the cold build.
BUILD_FLAGS = ("-trimpath", "-tags", "ferretdb_no_sqlite", "-ldflags", "-s -w")
BINARY = "ferretdb"
# The Postgres role and database FerretDB stores every Mongo database in (one schema each).
POSTGRES_ROLE = "ferretdb"
PASSWORD_SECRET = "postgres-ferretdb-password"  # noqa: S105 - a file name
BUILD_TIMEOUT = 1200.0
# FerretDB logs each connection (info) and each failed command, even a driver's routine
# `endSessions` (warn), as multi-line dumps: keep its log to errors (debug: "info").
LOG_LEVEL = "error"
PROBE_TIMEOUT_MS = 1500

_REQUIRE = re.compile(r"^\s*(?:require\s+)?" + re.escape(MODULE) + r"\s+(v\S+)\s*$", re.MULTILINE)


def pinned_version(go_mod: str) -> str:
    """The FerretDB version go.mod requires (an exact version, never a range)."""
    match = _REQUIRE.search(go_mod)
    if match is None:
        raise PlatformError(f"dev/ferretdb/go.mod does not require {MODULE}")
    return match.group(1)


def postgresql_url() -> str:
    # No credentials: FerretDB connects with those of each client (see the module docstring).
    # A small pool: FerretDB keeps one per login, and Postgres connections are shared by
    # every service of the platform.
    return (
        f"postgres://{postgres.HOST}:{postgres.PORT}/{POSTGRES_ROLE}"
        "?sslmode=disable&pool_max_conns=5"
    )


def mongodb_url(password: str, database: str = "") -> str:
    """A client URL authenticating as the FerretDB role; `database` is the default database."""
    user = f"{POSTGRES_ROLE}:{quote(password, safe='')}"
    return f"mongodb://{user}@{HOST}:{PORT}/{database}?authMechanism=PLAIN"


def account(layout: Layout) -> postgres.DatabaseAccount:
    return postgres.DatabaseAccount(POSTGRES_ROLE, ensure_password(layout, PASSWORD_SECRET))


def equality_indexes_script(database: str = POSTGRES_ROLE) -> str:
    """A psql script giving FerretDB's collections equality indexes it can use (ADR 14), in
    the Postgres database FerretDB stores them in; idempotent, run as the superuser (it
    creates an event trigger)."""
    return f"\\connect {database}\n" + EQUALITY_INDEXES.read_text(encoding="utf-8")


def command(binary: Path) -> list[str]:
    return [
        str(binary),
        f"--listen-addr={HOST}:{PORT}",
        "--handler=postgresql",
        f"--postgresql-url={postgresql_url()}",
        f"--log-level={LOG_LEVEL}",
    ]


def binary_path(source_dir: Path = SOURCE_DIR, root: Path | None = None) -> Path:
    """Where the build of these sources lives (whether or not it exists yet)."""
    version = pinned_version((source_dir / "go.mod").read_text())
    key = content_key([source_dir / name for name in SOURCE_FILES], BUILD_FLAGS)
    return build_dir(NAME, version, key, root) / BINARY


def ensure_binary(source_dir: Path = SOURCE_DIR, root: Path | None = None) -> Path:
    """The cached binary, built first when these sources have never been built."""
    binary = binary_path(source_dir, root)
    if binary.is_file():
        return binary
    # The official tarball's place, for shells that do not have it on PATH.
    go = shutil.which("go") or shutil.which("go", path="/usr/local/go/bin")
    if go is None:
        raise PlatformError("Go (1.24 or newer) is needed once to build FerretDB")
    version = pinned_version((source_dir / "go.mod").read_text())
    step(f"building ferretdb {version} (go build; cold: 1-2 min, then cached)")
    started = time.monotonic()
    staging = staging_dir(binary.parent)
    run(
        [go, "build", *BUILD_FLAGS, "-o", str(staging / BINARY), "."],
        cwd=source_dir,
        # -mod=readonly: build exactly what go.mod and go.sum pin, never update them.
        env={**os.environ, "GOFLAGS": "-mod=readonly"},
        timeout=BUILD_TIMEOUT,
    )
    publish(staging, binary.parent)
    done(f"ferretdb {version} built in {time.monotonic() - started:.0f}s ({binary})")
    return binary


def ping(url: str, timeout_ms: int = PROBE_TIMEOUT_MS) -> bool:
    """Authenticates and runs `ping`, which makes FerretDB reach Postgres as that role."""
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    client: MongoClient[dict[str, object]] = MongoClient(
        url,
        directConnection=True,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        socketTimeoutMS=timeout_ms,
    )
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def is_ready(layout: Layout) -> bool:
    password = stored_password(layout, PASSWORD_SECRET)
    return password is not None and port_open(PORT) and ping(mongodb_url(password))


def start_if_needed(layout: Layout) -> None:
    """Builds (first time) and starts FerretDB; its Postgres role must exist already."""
    if tracked_pid(layout, NAME) is not None:
        return
    if port_open(PORT):
        if is_ready(layout):
            info(f"ferretdb already answering on {PORT}: adopted (down leaves it running)")
            return
        raise PlatformError(
            f"port {PORT} is in use by something that does not accept this checkout's FerretDB "
            "credentials; stop it (e.g. `make down` in the checkout that started it)"
        )
    binary = ensure_binary()
    step("starting ferretdb")
    # No PG* variables: FerretDB must connect with the client's credentials and nothing else.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    start_detached(layout, NAME, command(binary), cwd=layout.local, env=env)


def readiness(layout: Layout) -> Readiness:
    def failed() -> str | None:
        if tracked_pid(layout, NAME) is None and not is_ready(layout):
            tail = log_tail(layout, NAME, lines=15)
            return f"the process exited; {layout.log_file(NAME)} ends with:\n{tail}"
        return None

    return Readiness(name=NAME, url=URL, ready=lambda: is_ready(layout), failed=failed)
