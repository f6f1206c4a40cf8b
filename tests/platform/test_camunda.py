"""The process engine (Camunda 7) as `up` builds, starts and prepares it: the build cache, the
command line and environments (no processes, no network), then the running engine via
CAMUNDA_URL and the admin in platform.env: HTTP Basic on the REST API, worker users, and
deployments that keep unchanged definitions."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from catalog_chassis.db import libpq_dsn
from catalog_testing import platform_setting
from dev.localplatform import camunda
from dev.localplatform.discovery import ServiceSpec, load_service
from dev.localplatform.errors import PlatformError
from dev.localplatform.paths import DEFAULT_LAYOUT, REPO_ROOT, Layout
from dev.localplatform.platform_env import build_platform_env
from dev.localplatform.secrets_store import ensure_jwt_keys, ensure_password
from dev.localplatform.services import CAMUNDA_KEYS, service_env


def spec(name: str, tmp_path: Path, *, camunda_worker: bool = False) -> ServiceSpec:
    return ServiceSpec(
        name=name,
        directory=tmp_path / name,
        port=8005,
        database=False,
        processes={"api": ["uvicorn", "--port", "{port}"]},
        camunda=camunda_worker,
    )


def bpmn(process_id: str, name: str = "Platform test") -> str:
    """A one-step process: start -> end (the engine's default history time to live)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="definitions" targetNamespace="http://catalog.local/tests">
  <bpmn:process id="{process_id}" name="{name}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="toEnd" sourceRef="start" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


# ---------------------------------------------------------------------------------------------
# build and command line (unit)


def test_is_pinned_to_camunda_7_24_on_spring_boot_3_5() -> None:
    pom = (camunda.SOURCE_DIR / "pom.xml").read_text()

    assert camunda.pinned_version(pom) == "7.24.0"
    assert "<artifactId>spring-boot-starter-parent</artifactId>\n    <version>3.5.7<" in pom
    for artifact in (
        "camunda-bpm-spring-boot-starter-rest",
        "camunda-bpm-spring-boot-starter-webapp",
        "spring-boot-starter-jdbc",
        "postgresql",
    ):
        assert f"<artifactId>{artifact}</artifactId>" in pom


def test_a_pom_without_the_version_is_an_error() -> None:
    with pytest.raises(PlatformError, match=r"camunda\.version"):
        camunda.pinned_version("<project/>")


def test_the_build_is_keyed_by_every_source_file(tmp_path: Path) -> None:
    sources = tmp_path / "camunda"
    shutil.copytree(camunda.SOURCE_DIR, sources, ignore=shutil.ignore_patterns("target"))
    cache = tmp_path / "cache"
    [java, *_] = sorted(sources.rglob("*.java"))
    [yaml] = sorted(sources.rglob("application.yaml"))

    first = camunda.jar_path(sources, cache)
    again = camunda.jar_path(sources, cache)
    # What a hand-run `mvn package` leaves behind is no input.
    (sources / "target").mkdir()
    (sources / "target" / "local-camunda.jar").write_bytes(b"PK")
    with_target = camunda.jar_path(sources, cache)
    java.write_text(java.read_text() + "\n// changed\n")
    java_changed = camunda.jar_path(sources, cache)
    yaml.write_text(yaml.read_text() + "\n# changed\n")
    yaml_changed = camunda.jar_path(sources, cache)

    assert first == again == with_target
    assert first.name == "camunda.jar"
    assert first.parent.parent == cache
    assert first.parent.name.startswith("camunda-7.24.0-")
    assert len({first, java_changed, yaml_changed}) == 3


def test_the_default_build_lives_outside_the_checkout() -> None:
    assert not camunda.jar_path().is_relative_to(REPO_ROOT)


def test_maven_builds_outside_the_sources_and_the_jar_is_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "camunda"
    shutil.copytree(camunda.SOURCE_DIR, sources, ignore=shutil.ignore_patterns("target"))
    commands: list[list[str]] = []

    def fake_mvn(argv: list[str], **_: object) -> None:
        commands.append(list(argv))
        [build_directory] = [arg.split("=", 1)[1] for arg in argv if arg.startswith("-DbuildD")]
        Path(build_directory).mkdir(parents=True)
        (Path(build_directory) / camunda.MAVEN_JAR).write_bytes(b"PK jar")
        (Path(build_directory) / "classes").mkdir()

    monkeypatch.setattr(camunda, "run", fake_mvn)
    monkeypatch.setattr(shutil, "which", lambda _: "/usr/bin/mvn")

    jar = camunda.ensure_jar(sources, tmp_path / "cache")
    again = camunda.ensure_jar(sources, tmp_path / "cache")

    assert jar == again == camunda.jar_path(sources, tmp_path / "cache")
    assert jar.read_bytes() == b"PK jar"
    assert sorted(path.name for path in jar.parent.iterdir()) == ["camunda.jar"]
    [command] = commands  # the second call found the build
    assert command[:7] == ["mvn", "-q", "-B", "-f", str(sources / "pom.xml"), "package", command[6]]
    assert not Path(command[6].split("=", 1)[1]).is_relative_to(sources)
    assert not (sources / "target").exists()


def test_an_existing_jar_is_used_without_maven(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "camunda"
    shutil.copytree(camunda.SOURCE_DIR, sources, ignore=shutil.ignore_patterns("target"))
    jar = camunda.jar_path(sources, tmp_path / "cache")
    jar.parent.mkdir(parents=True)
    jar.write_bytes(b"PK")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    assert camunda.ensure_jar(sources, tmp_path / "cache") == jar


def test_the_command_line_carries_no_secret_and_the_environment_does(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    jar = tmp_path / "cache" / "camunda.jar"
    inherited = {"PATH": "/usr/bin", "SPRING_PROFILES_ACTIVE": "x", "CAMUNDA_URL": "http://x"}

    command = camunda.command(jar)
    env = camunda.process_env(layout, inherited)

    database_password = ensure_password(layout, camunda.DATABASE_PASSWORD_SECRET)
    admin_password = ensure_password(layout, camunda.ADMIN_PASSWORD_SECRET)
    assert command[:7] == [
        "java",
        "-Xms64m",
        "-Xmx384m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-XX:+ExitOnOutOfMemoryError",
        "-jar",
    ]
    assert command[7] == str(jar)
    settings = dict(argument.removeprefix("--").split("=", 1) for argument in command[8:])
    assert settings == {
        "server.address": "127.0.0.1",
        "server.port": "8085",
        "spring.datasource.url": "jdbc:postgresql://127.0.0.1:5432/camunda",
        "spring.datasource.username": "camunda",
        "camunda.bpm.admin-user.id": "admin",
        "camunda.bpm.authorization.enabled": "false",
    }
    assert not any(secret in " ".join(command) for secret in (database_password, admin_password))
    assert env == {
        "PATH": "/usr/bin",
        "SPRING_DATASOURCE_PASSWORD": database_password,
        "CAMUNDA_BPM_ADMINUSER_PASSWORD": admin_password,
    }


def test_the_engine_has_its_own_postgres_role_and_database(tmp_path: Path) -> None:
    account = camunda.database_account(Layout(tmp_path))

    assert account.name == "camunda"
    assert (
        account.password
        == (tmp_path / ".local/secrets/postgres-camunda-password").read_text().strip()
    )


def test_the_engine_settings_keep_the_engine_on_postgres_with_a_history_time_to_live() -> None:
    settings = (camunda.SOURCE_DIR / "src/main/resources/application.yaml").read_text()

    for line in (
        "type: postgres",
        "schema-update: true",
        "historyTimeToLive: P30D",
        "enabled: true",  # the job executor
    ):
        assert line in settings


# ---------------------------------------------------------------------------------------------
# who gets what (unit)


def test_discovery_reads_the_camunda_opt_in(tmp_path: Path) -> None:
    pyproject = tmp_path / "offering" / "pyproject.toml"
    pyproject.parent.mkdir()
    pyproject.write_text("[tool.catalog]\ncamunda = true\n")
    plain = tmp_path / "pricing" / "pyproject.toml"
    plain.parent.mkdir()
    plain.write_text("[tool.catalog]\n")

    offering = load_service(pyproject)
    pricing = load_service(plain)

    assert offering is not None and offering.camunda is True
    assert pricing is not None and pricing.camunda is False
    pyproject.write_text('[tool.catalog]\ncamunda = "yes"\n')
    with pytest.raises(PlatformError, match="camunda must be true or false"):
        load_service(pyproject)


def test_only_services_that_declare_it_get_the_engine_and_none_gets_the_admin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    layout = Layout(tmp_path)
    keys = ensure_jwt_keys(layout)
    # From a developer's shell or from platform.env loaded by a test run: never inherited.
    monkeypatch.setenv("CAMUNDA_USERNAME", "leaked")
    monkeypatch.setenv("CAMUNDA_PASSWORD", "leaked")
    platform_env = camunda.platform_env("admin-pw")

    offering_env = service_env(
        layout, spec("offering", tmp_path, camunda_worker=True), platform_env, keys
    )
    pricing_env = service_env(layout, spec("pricing", tmp_path), platform_env, keys)

    assert offering_env["CAMUNDA_URL"] == "http://127.0.0.1:8085/engine-rest"
    assert offering_env["CAMUNDA_USERNAME"] == "offering-worker"
    secret = layout.secrets / "camunda-offering-worker-password"
    assert offering_env["CAMUNDA_PASSWORD"] == secret.read_text().strip()
    assert "CAMUNDA_ADMIN_PASSWORD" not in offering_env
    assert "CAMUNDA_ADMIN_USERNAME" not in offering_env
    assert not {key for key in CAMUNDA_KEYS if key in pricing_env}


def test_platform_env_has_the_rest_url_and_the_admin(tmp_path: Path) -> None:
    values = build_platform_env("pg-pw", [], [], "mongo-pw", camunda_admin_password="admin-pw")

    assert values["CAMUNDA_URL"] == "http://127.0.0.1:8085/engine-rest"
    assert values["CAMUNDA_ADMIN_USERNAME"] == "admin"
    assert values["CAMUNDA_ADMIN_PASSWORD"] == "admin-pw"


# ---------------------------------------------------------------------------------------------
# REST requests the platform sends (unit, against a mock transport)


def recording_client(
    responses: dict[tuple[str, str], httpx.Response],
) -> tuple[httpx.Client, list[httpx.Request]]:
    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        path = request.url.path.removeprefix("/engine-rest")
        return responses.get((request.method, path), httpx.Response(204))

    client = httpx.Client(
        base_url=camunda.REST_URL, auth=("admin", "admin-pw"), transport=httpx.MockTransport(handle)
    )
    return client, requests


def test_a_missing_worker_user_is_created_with_its_password() -> None:
    client, requests = recording_client(
        {("GET", "/user/offering-worker/profile"): httpx.Response(404, json={"message": "no"})}
    )

    camunda.ensure_user(client, "offering-worker", "worker-pw", "admin-pw")

    assert [(r.method, r.url.path) for r in requests] == [
        ("GET", "/engine-rest/user/offering-worker/profile"),
        ("POST", "/engine-rest/user/create"),
    ]
    body = json.loads(requests[1].content)
    assert body["profile"]["id"] == "offering-worker"
    assert body["credentials"] == {"password": "worker-pw"}


def test_an_existing_worker_user_takes_the_current_password_and_is_unlocked() -> None:
    client, requests = recording_client(
        {("GET", "/user/offering-worker/profile"): httpx.Response(200, json={"id": "x"})}
    )

    camunda.ensure_user(client, "offering-worker", "rotated-pw", "admin-pw")

    assert [(r.method, r.url.path) for r in requests] == [
        ("GET", "/engine-rest/user/offering-worker/profile"),
        ("PUT", "/engine-rest/user/offering-worker/credentials"),
        ("POST", "/engine-rest/user/offering-worker/unlock"),
    ]
    assert json.loads(requests[1].content) == {
        "password": "rotated-pw",
        "authenticatedUserPassword": "admin-pw",
    }


def test_with_authorization_on_a_worker_user_joins_the_admin_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(camunda, "AUTHORIZATION_ENABLED", True)
    client, requests = recording_client(
        {
            ("GET", "/user/offering-worker/profile"): httpx.Response(404),
            ("GET", "/user/count"): httpx.Response(200, json={"count": 0}),
        }
    )

    camunda.ensure_user(client, "offering-worker", "worker-pw", "admin-pw")

    assert [(r.method, r.url.path) for r in requests][-2:] == [
        ("GET", "/engine-rest/user/count"),
        ("PUT", "/engine-rest/group/camunda-admin/members/offering-worker"),
    ]
    assert dict(requests[-2].url.params) == {
        "id": "offering-worker",
        "memberOfGroup": "camunda-admin",
    }


def test_locally_authorization_is_off_and_workers_join_no_group() -> None:
    client, requests = recording_client({("GET", "/user/w/profile"): httpx.Response(404)})

    camunda.ensure_user(client, "w", "pw", "admin-pw")

    assert camunda.AUTHORIZATION_ENABLED is False
    assert not [r for r in requests if "/group/" in r.url.path or "count" in r.url.path]


def test_an_engine_refusal_fails_with_the_engines_message() -> None:
    refusal = httpx.Response(500, json={"type": "ProcessEngineException", "message": "bad id"})
    client, _ = recording_client(
        {
            ("GET", "/user/x-worker/profile"): httpx.Response(404),
            ("POST", "/user/create"): refusal,
        }
    )

    with pytest.raises(
        PlatformError, match=r"creating engine user x-worker failed \(500\): bad id"
    ):
        camunda.ensure_user(client, "x-worker", "pw", "admin-pw")


def test_only_opted_in_services_get_worker_users(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    client, requests = recording_client({})
    specs = [spec("offering", tmp_path, camunda_worker=True), spec("pricing", tmp_path)]

    users = camunda.ensure_workers(layout, specs, client)

    assert users == ["offering-worker"]
    assert {r.url.path.split("/")[3] for r in requests} == {"offering-worker"}


def test_all_processes_go_in_one_deployment_that_keeps_unchanged_definitions(
    tmp_path: Path,
) -> None:
    files = [tmp_path / "a.bpmn", tmp_path / "b.bpmn"]
    for path in files:
        path.write_text(bpmn(path.stem))
    deployed = {"b:2:id": {"id": "b:2:id", "key": "b", "version": 2}}
    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={"id": "d", "deployedProcessDefinitions": deployed})

    result = camunda.deploy("admin-pw", files, transport=httpx.MockTransport(handle))

    assert [(d.id, d.key, d.version) for d in result] == [("b:2:id", "b", 2)]
    [request] = requests
    assert request.url.path == "/engine-rest/deployment/create"
    assert request.headers["Authorization"] == httpx.BasicAuth("admin", "admin-pw")._auth_header
    body = request.content.decode()
    for field, value in (
        ("deployment-name", "catalog-processes"),
        ("enable-duplicate-filtering", "true"),
        ("deploy-changed-only", "true"),
        ("deployment-source", "catalog-local"),
    ):
        assert f'name="{field}"\r\n\r\n{value}\r\n' in body
    assert 'name="a.bpmn"; filename="a.bpmn"' in body
    assert 'name="b.bpmn"; filename="b.bpmn"' in body


def test_the_repositorys_processes_are_found() -> None:
    assert camunda.bpmn_files() == sorted((REPO_ROOT / "bpmn").glob("*.bpmn"))
    assert all(path.suffix == ".bpmn" for path in camunda.bpmn_files())


# ---------------------------------------------------------------------------------------------
# the running engine (integration)


@pytest.fixture
def rest_url() -> str:
    return platform_setting("CAMUNDA_URL")


@pytest.fixture
def admin(rest_url: str) -> Iterator[httpx.Client]:
    credentials = (
        platform_setting("CAMUNDA_ADMIN_USERNAME"),
        platform_setting("CAMUNDA_ADMIN_PASSWORD"),
    )
    with httpx.Client(base_url=rest_url, auth=credentials, timeout=30, trust_env=False) as client:
        yield client


@pytest.fixture
def deployment_name(admin: httpx.Client) -> Iterator[str]:
    """A deployment name of the test's own; its deployments are deleted afterwards."""
    name = f"platform-test-{uuid.uuid4().hex[:12]}"
    yield name
    for deployment in admin.get("/deployment", params={"name": name}).json():
        admin.delete(f"/deployment/{deployment['id']}", params={"cascade": "true"})


def definitions(admin: httpx.Client, key: str) -> list[dict[str, object]]:
    response = admin.get(
        "/process-definition", params={"key": key, "sortBy": "version", "sortOrder": "asc"}
    )
    response.raise_for_status()
    return list(response.json())


@pytest.mark.integration
def test_the_rest_api_needs_credentials_except_for_the_engine_names(rest_url: str) -> None:
    with httpx.Client(base_url=rest_url, timeout=10, trust_env=False) as anonymous:
        engines = anonymous.get("/engine")
        refused = anonymous.get("/process-definition")
        # A user that does not exist: a wrong password for a real one would delay its logins.
        wrong = anonymous.get("/process-definition", auth=("nobody", "wrong"))

    assert engines.status_code == 200
    assert {"name": "default"} in engines.json()
    assert refused.status_code == 401
    assert wrong.status_code == 401


@pytest.mark.integration
def test_the_admin_logs_in_to_a_7_24_engine(admin: httpx.Client) -> None:
    profile = admin.get("/user/admin/profile")
    version = admin.get("/version")

    assert profile.status_code == 200
    assert version.json()["version"].startswith("7.24.")


@pytest.mark.integration
async def test_the_engine_keeps_its_tables_in_its_own_postgres_database() -> None:
    postgres_admin = urlsplit(libpq_dsn(platform_setting("POSTGRES_ADMIN_URL")))
    connection = await asyncpg.connect(urlunsplit(postgres_admin._replace(path="/camunda")))
    try:
        owners = await connection.fetch(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE tablename LIKE 'act_%'"
        )
    finally:
        await connection.close()

    assert [row["tableowner"] for row in owners] == ["camunda"]


@pytest.mark.integration
def test_a_worker_user_logs_in_and_keeps_working_after_its_password_changes(
    rest_url: str, admin: httpx.Client
) -> None:
    user = f"platform-test-{uuid.uuid4().hex[:8]}-worker"
    admin_password = platform_setting("CAMUNDA_ADMIN_PASSWORD")

    def logs_in(password: str) -> int:
        with httpx.Client(base_url=rest_url, timeout=10, trust_env=False) as client:
            return client.get("/process-definition/count", auth=(user, password)).status_code

    try:
        camunda.ensure_user(admin, user, "first-password", admin_password)
        first = logs_in("first-password")
        camunda.ensure_user(admin, user, "rotated-password", admin_password)
        rotated = logs_in("rotated-password")
        # Last: a failed login delays the user's next ones.
        stale = logs_in("first-password")
    finally:
        admin.delete(f"/user/{user}")

    assert (first, rotated, stale) == (200, 200, 401)


@pytest.mark.integration
def test_the_platform_deployed_the_repositorys_processes(admin: httpx.Client) -> None:
    deployments = admin.get("/deployment", params={"name": "catalog-processes"}).json()

    assert deployments, "up deploys bpmn/*.bpmn as `catalog-processes`"
    assert {deployment["source"] for deployment in deployments} == {"catalog-local"}
    for path in camunda.bpmn_files():
        latest = admin.get(
            "/process-definition", params={"resourceName": path.name, "latestVersion": "true"}
        ).json()
        assert latest, f"{path.name} is not deployed"


@pytest.mark.integration
def test_redeploying_an_unchanged_process_adds_no_version_and_a_changed_one_does(
    tmp_path: Path, admin: httpx.Client, deployment_name: str
) -> None:
    key = f"platform_test_{uuid.uuid4().hex[:12]}"
    path = tmp_path / "platform-test.bpmn"
    path.write_text(bpmn(key))

    password = platform_setting("CAMUNDA_ADMIN_PASSWORD")
    first = camunda.deploy(password, [path], name=deployment_name, source="platform-tests")
    unchanged = camunda.deploy(password, [path], name=deployment_name, source="platform-tests")
    after_unchanged = definitions(admin, key)
    path.write_text(bpmn(key, name="Platform test, changed"))
    changed = camunda.deploy(password, [path], name=deployment_name, source="platform-tests")

    assert [(definition.key, definition.version) for definition in first] == [(key, 1)]
    assert unchanged == ()
    assert [definition["version"] for definition in after_unchanged] == [1]
    assert [(definition.key, definition.version) for definition in changed] == [(key, 2)]
    assert [definition["name"] for definition in definitions(admin, key)] == [
        "Platform test",
        "Platform test, changed",
    ]


@pytest.mark.integration
def test_an_invalid_process_fails_with_the_engines_message(
    tmp_path: Path, admin: httpx.Client, deployment_name: str
) -> None:
    path = tmp_path / "broken.bpmn"
    path.write_text(bpmn("platform_broken").replace('targetRef="end"', 'targetRef="nowhere"'))

    with pytest.raises(PlatformError) as raised:
        camunda.deploy(
            platform_setting("CAMUNDA_ADMIN_PASSWORD"),
            [path],
            name=deployment_name,
            source="platform-tests",
        )

    message = str(raised.value)
    assert message.startswith("deploying broken.bpmn failed (400): ENGINE-09005")
    assert "Invalid destination 'nowhere' of sequence flow 'toEnd'" in message
    assert admin.get("/deployment", params={"name": deployment_name}).json() == []


@pytest.mark.integration
def test_status_reports_the_engine() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "dev" / "platform.py"), "status"],
        capture_output=True,
        text=True,
        check=False,
    )

    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line}
    assert rows["camunda"] == ["up", "http://127.0.0.1:8085/engine-rest"]


@pytest.mark.integration
def test_the_running_engine_has_no_secret_on_its_command_line() -> None:
    secrets = [
        platform_setting("CAMUNDA_ADMIN_PASSWORD"),
        (DEFAULT_LAYOUT.secrets / camunda.DATABASE_PASSWORD_SECRET).read_text().strip(),
    ]
    command_lines = [
        line
        for proc in Path("/proc").glob("[0-9]*/cmdline")
        if "camunda.jar" in (line := _command_line(proc))
    ]

    assert command_lines, "no camunda.jar process is running"
    assert not [line for line in command_lines for secret in secrets if secret in line]


def _command_line(cmdline: Path) -> str:
    try:
        return cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:  # the process has gone
        return ""
