"""Runs the discovered services: their environment, migrations, seed and processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Mapping

from . import camunda, zipkin
from .commands import run
from .console import done, step
from .discovery import ServiceSpec
from .errors import PlatformError
from .paths import Layout
from .probes import Readiness, http_ok, port_open
from .processes import log_tail, start_detached, tracked_pid
from .secrets_store import JwtKeyFiles, ensure_password

IDENTITY = "identity"
IDENTITY_PORT = 8001
JWT_ISSUER = "catalog-identity"
JWT_AUDIENCE = "catalog-api"
WORKER_SETTLE_SECONDS = 3.0
# What a service gets for `mongodb = true` / `search = true` / `camunda = true` in its
# [tool.catalog].
MONGODB_KEYS = ("MONGODB_URL", "MONGODB_DATABASE")
SEARCH_KEYS = ("OPENSEARCH_URL", "SEARCH_URL", "SEARCH_ENGINE")
CAMUNDA_KEYS = (*camunda.SERVICE_KEYS, *camunda.ADMIN_KEYS)


def service_env(
    layout: Layout,
    spec: ServiceSpec,
    platform_env: Mapping[str, str],
    jwt_keys: JwtKeyFiles,
) -> dict[str, str]:
    """The settings contract every process of `spec` gets (platform.env plus its own)."""
    env = {**os.environ, **platform_env}
    env.update(
        SERVICE_NAME=spec.name,
        ENVIRONMENT="development",
        JWKS_URL=f"http://127.0.0.1:{IDENTITY_PORT}/api/v1/auth/jwks",
        JWT_ISSUER=JWT_ISSUER,
        JWT_AUDIENCE=JWT_AUDIENCE,
        LOG_LEVEL="INFO",
        OTEL_SERVICE_NAME=spec.name,
        OTEL_TRACES_EXPORTER="zipkin",
        OTEL_EXPORTER_ZIPKIN_ENDPOINT=zipkin.SPANS_ENDPOINT,
        OTEL_PROPAGATORS="tracecontext,baggage,b3multi",
        # Traces only: nothing locally receives OTLP metrics or logs.
        OTEL_METRICS_EXPORTER="none",
        OTEL_LOGS_EXPORTER="none",
        VIRTUAL_ENV=str(layout.venv_bin.parent),
        PATH=f"{layout.venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    if spec.port is not None:
        env["PORT"] = str(spec.port)
    if spec.database:
        env["DATABASE_URL"] = platform_env[f"{spec.env_prefix}_DATABASE_URL"]
    # The document store, the search engine and the process engine only for the services
    # that declare them; the engine's admin credentials (platform.env) for none.
    for key in (*MONGODB_KEYS, *SEARCH_KEYS, *CAMUNDA_KEYS):
        env.pop(key, None)
    if spec.mongodb:
        env["MONGODB_URL"] = platform_env[f"{spec.env_prefix}_MONGODB_URL"]
        env["MONGODB_DATABASE"] = spec.name
    if spec.search:
        env["OPENSEARCH_URL"] = platform_env["OPENSEARCH_URL"]
        # Engine-neutral names: the same service runs against Elasticsearch elsewhere.
        env["SEARCH_URL"] = platform_env["OPENSEARCH_URL"]
        env["SEARCH_ENGINE"] = "opensearch"
    if spec.camunda:
        env.update(camunda.service_env(layout, spec))
    if spec.service_account:
        env["CATALOG_USERNAME"] = spec.name
        env["CATALOG_PASSWORD"] = service_account_password(layout, spec)
    # Only the identity service may sign tokens; every other service verifies via the JWKS.
    env.pop("JWT_PRIVATE_KEY_FILE", None)
    env.pop("JWT_PUBLIC_KEY_FILES", None)
    if spec.name == IDENTITY:
        env["JWT_PRIVATE_KEY_FILE"] = str(jwt_keys.private_key)
        env["JWT_PUBLIC_KEY_FILES"] = str(jwt_keys.public_key)
    return env


def migrate(spec: ServiceSpec, env: Mapping[str, str]) -> None:
    if not spec.has_migrations:
        return
    if not spec.database:
        raise PlatformError(f"{spec.name} has alembic.ini but no `database = true`")
    step(f"migrating {spec.name} (alembic upgrade head)")
    try:
        run([_executable("alembic", env), "upgrade", "head"], cwd=spec.directory, env=env)
    except PlatformError as error:
        raise PlatformError(f"migrating {spec.name} failed: {error}") from error
    done(f"{spec.name} migrated")


def service_account_password(layout: Layout, spec: ServiceSpec) -> str:
    return ensure_password(layout, f"{spec.name}-service-account")


def create_service_account(
    layout: Layout, spec: ServiceSpec, provider: ServiceSpec, provider_env: Mapping[str, str]
) -> None:
    """Create ``spec``'s account with the command ``provider`` (identity) declares; the
    command is idempotent, so every `up` may run it."""
    assert provider.accounts is not None
    command = [part.replace("{username}", spec.name) for part in provider.accounts]
    env = {**provider_env, "SERVICE_ACCOUNT_PASSWORD": service_account_password(layout, spec)}
    step(f"service account for {spec.name}")
    try:
        run([_executable(command[0], env), *command[1:]], cwd=provider.directory, env=env)
    except PlatformError as error:
        raise PlatformError(f"creating {spec.name}'s service account failed: {error}") from error


def execute(spec: ServiceSpec, command: list[str], env: Mapping[str, str]) -> int:
    """Run an operational command of the service in the foreground; its exit code."""
    executable = _executable(command[0], env)
    return subprocess.run([executable, *command[1:]], cwd=spec.directory, env=env).returncode


def seed(spec: ServiceSpec, env: Mapping[str, str]) -> None:
    if spec.seed is None:
        return
    step(f"seeding {spec.name}")
    command = [_executable(spec.seed[0], env), *spec.seed[1:]]
    try:
        run(command, cwd=spec.directory, env=env)
    except PlatformError as error:
        raise PlatformError(f"seeding {spec.name} failed: {error}") from error


def processes_to_start(layout: Layout, spec: ServiceSpec) -> list[str]:
    return [
        process
        for process in spec.processes
        if tracked_pid(layout, spec.process_id(process)) is None
    ]


METRICS_PORT_BASE = 9100


def metrics_port(spec: ServiceSpec, process: str) -> int | None:
    """Where a worker process serves /metrics and /health/live: 9100 + the API port's last
    digits + 10 per worker in declaration order (the store's consumers on 9106, its saga
    worker on 9116); None for the API (its own port) and for services without one."""
    if process == "api" or spec.port is None:
        return None
    workers = [name for name in spec.processes if name != "api"]
    return METRICS_PORT_BASE + (spec.port - 8000) + 10 * workers.index(process)


def start_processes(
    layout: Layout, spec: ServiceSpec, processes: list[str], env: Mapping[str, str]
) -> None:
    for process in processes:
        if process == "api" and spec.port is not None and port_open(spec.port):
            # Something this checkout did not start (another checkout's platform?) serves the
            # port: adopting it would run the tests against someone else's code and logs.
            raise PlatformError(
                f"port {spec.port} of {spec.name} is already in use by a process this checkout "
                "did not start; stop it (e.g. `make down` in the checkout that started it)"
            )
        command = spec.command(process)
        process_env = dict(env)
        process_env.pop("METRICS_PORT", None)
        if (port := metrics_port(spec, process)) is not None:
            process_env["METRICS_PORT"] = str(port)
        step(f"starting {spec.process_id(process)}")
        start_detached(
            layout,
            spec.process_id(process),
            [_executable(command[0], env), *command[1:]],
            cwd=spec.directory,
            env=process_env,
        )


def health_url(spec: ServiceSpec) -> str | None:
    return None if spec.port is None else f"http://127.0.0.1:{spec.port}/health/ready"


def docs_url(spec: ServiceSpec) -> str | None:
    return None if spec.port is None else f"http://127.0.0.1:{spec.port}/docs"


def readiness(layout: Layout, spec: ServiceSpec) -> list[Readiness]:
    checks = []
    for process in spec.processes:
        process_id = spec.process_id(process)
        url = health_url(spec) if process == "api" else None

        def failed(process_id: str = process_id) -> str | None:
            if tracked_pid(layout, process_id) is None:
                tail = log_tail(layout, process_id, lines=25)
                return f"the process exited; {layout.log_file(process_id)} ends with:\n{tail}"
            return None

        def ready(url: str | None = url, process_id: str = process_id) -> bool:
            if url is None:
                return _running_steadily(layout, process_id)
            # Only our own live process counts, not whatever else answers on the port.
            return tracked_pid(layout, process_id) is not None and http_ok(url)

        checks.append(
            Readiness(name=process_id, url=url or "worker process", ready=ready, failed=failed)
        )
    return checks


def _running_steadily(layout: Layout, process_id: str) -> bool:
    """A worker has no HTTP endpoint: call it ready once it has survived its start-up."""
    if tracked_pid(layout, process_id) is None:
        return False
    started = layout.pid_file(process_id).stat().st_mtime
    return time.time() - started >= WORKER_SETTLE_SECONDS


def _executable(name: str, env: Mapping[str, str]) -> str:
    """Resolves a command against the venv-first PATH the service runs with."""
    resolved = shutil.which(name, path=env.get("PATH"))
    if resolved is None:
        raise PlatformError(f"command {name!r} not found in the venv or on PATH")
    return resolved
