"""The process engine: Camunda 7 CE as a Spring Boot jar on the local Postgres.

`dev/camunda/` is a small Maven project (Spring Boot parent, Camunda's REST and webapp
starters, the Postgres driver) that `mvn package` turns into one executable jar, built once
into the cache outside the checkout (see buildcache.py) and rebuilt only when a file under
dev/camunda/ changes. The engine keeps its tables in its own Postgres role and database
(`camunda`) and listens on 127.0.0.1 only.

The REST API needs HTTP Basic (dev/camunda's LocalCamundaSecurity), except `GET
/engine-rest/engine`, the probe. The platform logs in as the admin user (`admin`, password
generated into the machine's secrets directory, see paths.py) to give each service that declares
`camunda = true` an engine user of its own (`<service>-worker`: the engine delays and then
locks a user after failed logins, so one misconfigured worker must not lock out the others)
and to deploy every `bpmn/*.bpmn` as one deployment.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import httpx

from catalog_chassis.workflow.engine import (
    DeployedDefinition,
    Deployment,
    EngineClient,
    EngineRejected,
    EngineUnavailable,
)

from . import postgres
from .buildcache import build_dir, content_key, publish, staging_dir
from .commands import run
from .console import done, info, step
from .discovery import ServiceSpec
from .errors import PlatformError
from .paths import REPO_ROOT, Layout
from .probes import Readiness, http_ok, port_open
from .processes import log_tail, start_detached, tracked_pid
from .secrets_store import ensure_password, stored_password

NAME = "camunda"
HOST = "127.0.0.1"
PORT = 8085
URL = f"http://{HOST}:{PORT}"
REST_URL = f"{URL}/engine-rest"
# The engine names: answered without credentials, once the engine and the REST API are up.
ENGINE_URL = f"{REST_URL}/engine"
COCKPIT_URL = f"{URL}/camunda/app/cockpit/"
SOURCE_DIR = REPO_ROOT / "dev" / "camunda"
BPMN_DIR = REPO_ROOT / "bpmn"
JAR = "camunda.jar"
# Maven's own name for the jar (<finalName> in the pom).
MAVEN_JAR = "local-camunda.jar"
JAVA_RELEASE = "17"
JVM_OPTIONS = (
    "-Xms64m",
    "-Xmx384m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    # Out of memory, exit (and be restarted by `up`) rather than limp on.
    "-XX:+ExitOnOutOfMemoryError",
)
BUILD_TIMEOUT = 900.0
POSTGRES_ROLE = "camunda"
DATABASE_PASSWORD_SECRET = "postgres-camunda-password"  # noqa: S105 - a file name
ADMIN_USER = "admin"
ADMIN_PASSWORD_SECRET = "camunda-admin-password"  # noqa: S105 - a file name
# Off locally: every authenticated user may do everything. With it on, the worker users
# would need the admin group (or authorizations of their own) to fetch and complete tasks.
AUTHORIZATION_ENABLED = False
ADMIN_GROUP = "camunda-admin"
DEPLOYMENT_NAME = "catalog-processes"
DEPLOYMENT_SOURCE = "catalog-local"
REQUEST_TIMEOUT = 30.0
PROBE_TIMEOUT = 2.0
# The longest the engine refuses a user's logins after a failed one (loginDelayMaxTime).
LOGIN_DELAY_MAX = 60.0
# What a service gets for `camunda = true`; the admin's keys (platform.env) go to none.
SERVICE_KEYS = ("CAMUNDA_URL", "CAMUNDA_USERNAME", "CAMUNDA_PASSWORD")
ADMIN_KEYS = ("CAMUNDA_ADMIN_USERNAME", "CAMUNDA_ADMIN_PASSWORD")

_VERSION = re.compile(r"<camunda\.version>\s*([^<\s]+)\s*</")


# ---------------------------------------------------------------------------------------------
# build


def pinned_version(pom: str) -> str:
    match = _VERSION.search(pom)
    if match is None:
        raise PlatformError("dev/camunda/pom.xml has no <camunda.version>")
    return match.group(1)


def source_files(source_dir: Path = SOURCE_DIR) -> list[Path]:
    """Every file the jar is built from: the pom, the Java sources and the resources (not a
    `target/` left by a hand-run Maven)."""
    return sorted(
        path
        for path in source_dir.rglob("*")
        if path.is_file() and "target" not in path.relative_to(source_dir).parts
    )


def jar_path(source_dir: Path = SOURCE_DIR, root: Path | None = None) -> Path:
    """Where the build of these sources lives (whether or not it exists yet)."""
    version = pinned_version((source_dir / "pom.xml").read_text())
    files = source_files(source_dir)
    # File names alone are hashed with the contents: add where each file sits.
    settings = [JAVA_RELEASE, *(str(path.relative_to(source_dir)) for path in files)]
    return build_dir(NAME, version, content_key(files, settings), root) / JAR


def ensure_jar(source_dir: Path = SOURCE_DIR, root: Path | None = None) -> Path:
    """The cached jar, packaged first when these sources have never been built."""
    jar = jar_path(source_dir, root)
    if jar.is_file():
        return jar
    if shutil.which("mvn") is None:
        raise PlatformError("Maven (mvn) is needed once to build the local Camunda engine")
    version = pinned_version((source_dir / "pom.xml").read_text())
    step(f"building camunda {version} (mvn package; Maven Central into ~/.m2, then cached)")
    started = time.monotonic()
    staging = staging_dir(jar.parent)
    maven_dir = staging / "maven"
    run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(source_dir / "pom.xml"),
            "package",
            # Classes and the jar go to the staging directory, never into the checkout.
            f"-DbuildDirectory={maven_dir}",
        ],
        timeout=BUILD_TIMEOUT,
    )
    built = maven_dir / MAVEN_JAR
    if not built.is_file():
        raise PlatformError(f"mvn package finished but {built} is missing")
    built.rename(staging / JAR)
    shutil.rmtree(maven_dir)
    publish(staging, jar.parent)
    done(f"camunda {version} built in {time.monotonic() - started:.0f}s ({jar})")
    return jar


# ---------------------------------------------------------------------------------------------
# accounts


def database_account(layout: Layout) -> postgres.DatabaseAccount:
    return postgres.DatabaseAccount(
        POSTGRES_ROLE, ensure_password(layout, DATABASE_PASSWORD_SECRET)
    )


def admin_password(layout: Layout) -> str:
    return ensure_password(layout, ADMIN_PASSWORD_SECRET)


def worker_user(spec: ServiceSpec) -> str:
    return f"{spec.name}-worker"


def worker_password(layout: Layout, spec: ServiceSpec) -> str:
    return ensure_password(layout, f"camunda-{spec.name}-worker-password")


def jdbc_url() -> str:
    return f"jdbc:postgresql://{postgres.HOST}:{postgres.PORT}/{POSTGRES_ROLE}"


def platform_env(admin_password: str) -> dict[str, str]:
    """The keys platform.env gets: the tests log in as the admin."""
    return {
        "CAMUNDA_URL": REST_URL,
        "CAMUNDA_ADMIN_USERNAME": ADMIN_USER,
        "CAMUNDA_ADMIN_PASSWORD": admin_password,
    }


def service_env(layout: Layout, spec: ServiceSpec) -> dict[str, str]:
    """What a service that declares `camunda = true` gets: its own engine user."""
    return {
        "CAMUNDA_URL": REST_URL,
        "CAMUNDA_USERNAME": worker_user(spec),
        "CAMUNDA_PASSWORD": worker_password(layout, spec),
    }


# ---------------------------------------------------------------------------------------------
# process


def command(jar: Path) -> list[str]:
    """The engine's command line: no secret on it (`ps` shows it), see `process_env`."""
    return [
        "java",
        *JVM_OPTIONS,
        "-jar",
        str(jar),
        f"--server.address={HOST}",
        f"--server.port={PORT}",
        f"--spring.datasource.url={jdbc_url()}",
        f"--spring.datasource.username={POSTGRES_ROLE}",
        f"--camunda.bpm.admin-user.id={ADMIN_USER}",
        f"--camunda.bpm.authorization.enabled={str(AUTHORIZATION_ENABLED).lower()}",
    ]


def process_env(layout: Layout, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The engine's environment: the passwords (Spring reads them from there), and none of
    the SPRING_* / CAMUNDA_* settings a shell or platform.env may hold."""
    inherited = os.environ if environ is None else environ
    env = {
        key: value
        for key, value in inherited.items()
        if not key.startswith(("SPRING_", "CAMUNDA_"))
    }
    env["SPRING_DATASOURCE_PASSWORD"] = database_account(layout).password
    env["CAMUNDA_BPM_ADMINUSER_PASSWORD"] = admin_password(layout)
    return env


def engine_answers() -> bool:
    return http_ok(ENGINE_URL)


def admin_status(password: str) -> int | None:
    """The status of an authenticated request as the admin (None: nothing answered)."""
    try:
        with _client(password, timeout=PROBE_TIMEOUT) as client:
            return client.get(f"/user/{ADMIN_USER}/profile").status_code
    except httpx.HTTPError:
        return None


def is_ready(layout: Layout) -> bool:
    password = stored_password(layout, ADMIN_PASSWORD_SECRET)
    return password is not None and engine_answers() and admin_status(password) == 200


def start_if_needed(layout: Layout) -> None:
    """Builds (first time) and starts the engine detached; its Postgres role and database
    must exist already. Does not wait for it (it boots in 5-30 s)."""
    if tracked_pid(layout, NAME) is not None:
        return
    if port_open(PORT):
        if is_ready(layout):
            info(f"camunda already answering on {PORT}: adopted (down leaves it running)")
            return
        raise PlatformError(
            f"port {PORT} is in use by something that is not a Camunda engine accepting this "
            "checkout's admin password; stop it (e.g. `make down` in the checkout that "
            "started it)"
        )
    jar = ensure_jar()
    step("starting camunda")
    start_detached(layout, NAME, command(jar), cwd=layout.local, env=process_env(layout))


def readiness(layout: Layout) -> Readiness:
    """Ready once the engine answers and takes the admin's credentials. After a failed login
    the engine refuses even the right password for a while (up to a minute; trying again
    meanwhile counts no further failure): only a refusal that outlasts that is a failure."""
    refused_since: list[float] = []

    def ready() -> bool:
        password = stored_password(layout, ADMIN_PASSWORD_SECRET)
        if password is None or not engine_answers():
            return False
        status = admin_status(password)
        if status == 401 and not refused_since:
            refused_since.append(time.monotonic())
        return status == 200

    def failed() -> str | None:
        if refused_since and time.monotonic() - refused_since[0] > LOGIN_DELAY_MAX:
            return (
                f"the engine on {PORT} refuses the admin password in "
                f"{layout.secrets / ADMIN_PASSWORD_SECRET} (a locked user: restart the engine)"
            )
        if tracked_pid(layout, NAME) is None and not engine_answers():
            tail = log_tail(layout, NAME, lines=25)
            return f"the process exited; {layout.log_file(NAME)} ends with:\n{tail}"
        return None

    return Readiness(name=NAME, url=REST_URL, ready=ready, failed=failed)


# ---------------------------------------------------------------------------------------------
# REST: users and deployments


def _client(
    password: str, timeout: float = REQUEST_TIMEOUT, rest_url: str = REST_URL
) -> httpx.Client:
    # trust_env=False: local traffic never goes through a proxy from the environment.
    return httpx.Client(
        base_url=rest_url, auth=(ADMIN_USER, password), timeout=timeout, trust_env=False
    )


def rest_client(password: str, rest_url: str) -> httpx.Client:
    """A REST client logged in as the admin of the engine at ``rest_url`` (e.g. a cluster's)."""
    return _client(password, rest_url=rest_url)


def admin_client(layout: Layout) -> httpx.Client:
    """A REST client logged in as the admin."""
    return _client(admin_password(layout))


def ensure_user(client: httpx.Client, user: str, password: str, admin_password: str) -> None:
    """Creates the engine user, or gives an existing one this password (a rotated secret must
    keep working) and unlocks it (failed logins with the old one may have locked it)."""
    profile = client.get(f"/user/{user}/profile")
    if profile.status_code == 404:
        body = {
            "profile": {"id": user, "firstName": user, "lastName": "worker"},
            "credentials": {"password": password},
        }
        _check(client.post("/user/create", json=body), f"creating engine user {user}")
    else:
        _check(profile, f"looking up engine user {user}")
        credentials = {"password": password, "authenticatedUserPassword": admin_password}
        _check(
            client.put(f"/user/{user}/credentials", json=credentials),
            f"setting the password of engine user {user}",
        )
        _check(client.post(f"/user/{user}/unlock"), f"unlocking engine user {user}")
    if AUTHORIZATION_ENABLED:
        members = client.get("/user/count", params={"id": user, "memberOfGroup": ADMIN_GROUP})
        if _check(members, f"reading {user}'s groups").json()["count"] == 0:
            _check(
                client.put(f"/group/{ADMIN_GROUP}/members/{user}"),
                f"adding engine user {user} to {ADMIN_GROUP}",
            )


def ensure_workers(layout: Layout, specs: Iterable[ServiceSpec], client: httpx.Client) -> list[str]:
    """An engine user per service that declares `camunda = true`; returns their ids."""
    users = []
    for spec in specs:
        if spec.camunda:
            user = worker_user(spec)
            ensure_user(client, user, worker_password(layout, spec), admin_password(layout))
            users.append(user)
    return users


def bpmn_files(directory: Path = BPMN_DIR) -> list[Path]:
    return sorted(directory.glob("*.bpmn"))


def deploy(
    password: str,
    files: list[Path],
    *,
    name: str = DEPLOYMENT_NAME,
    source: str = DEPLOYMENT_SOURCE,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[DeployedDefinition, ...]:
    """Deploys ``files`` as one deployment with the services' engine client (the one way to
    deploy); the engine keeps what did not change (a new definition version only for a
    changed file). Returns the definitions deployed now."""
    names = ", ".join(path.name for path in files)

    async def deploy_all() -> Deployment:
        client = EngineClient(REST_URL, username=ADMIN_USER, password=password, transport=transport)
        try:
            return await client.deploy(name, files, source=source)
        finally:
            await client.aclose()

    try:
        return tuple(asyncio.run(deploy_all()).deployed)
    except EngineRejected as rejected:
        raise PlatformError(
            f"deploying {names} failed ({rejected.status}): {rejected.message.strip()}"
        ) from rejected
    except EngineUnavailable as unavailable:
        raise PlatformError(f"deploying {names} failed: {unavailable}") from unavailable


def prepare(layout: Layout, specs: list[ServiceSpec], bpmn_dir: Path = BPMN_DIR) -> None:
    """Once the engine is ready: the worker users, then the processes."""
    with admin_client(layout) as client:
        users = ensure_workers(layout, specs, client)
        if users:
            done(f"camunda users {', '.join(users)} ready")
    files = bpmn_files(bpmn_dir)
    if not files:
        info(f"no {bpmn_dir.name}/*.bpmn to deploy")
        return
    deployed = deploy(admin_password(layout), files)
    keys = sorted({definition.key for definition in deployed})
    changed = f" ({', '.join(keys)})" if keys else ""
    done(
        f"camunda deployment {DEPLOYMENT_NAME}: {len(files)} file(s),"
        f" {len(deployed)} process definition(s) (re)deployed{changed}"
    )


def _check(response: httpx.Response, what: str) -> httpx.Response:
    if response.is_success:
        return response
    try:
        message = str(response.json().get("message") or response.text)
    except ValueError:
        message = response.text
    raise PlatformError(f"{what} failed ({response.status_code}): {message.strip()}")
