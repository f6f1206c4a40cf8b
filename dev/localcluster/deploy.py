"""`make deploy`: the whole platform into the kind cluster, as two Helm releases.

1. images: built (`make images`; Docker's cache makes an unchanged tree quick) and loaded into
   the node when it lacks them;
2. the bootstrap step: every Secret the releases reference (secrets.py);
3. `catalog-infra` (charts/local-infra): PostgreSQL, RabbitMQ, FerretDB, OpenSearch, Camunda,
   Zipkin — installed first and waited for, because the platform's migration Jobs
   (pre-install hooks) need the databases before the platform's release is created;
4. the engine's worker users, through a port-forward;
5. `catalog-crds` (charts/catalog-crds): ProcessDefinition and DatabaseMigration, before any
   resource of theirs;
6. `catalog` (charts/catalog with k8s/values/catalog-kind.yaml): every service, worker, the
   UI, the nginx edge and the catalog operator, which deploys the processes (bpmn/) as the
   release's ProcessDefinition; `--wait`ed until every pod is Ready;
7. the store's own account in the identity service.

The charts are packaged offline first (charts.py): the umbrella's upstream dependencies
cannot be downloaded here and are all disabled in this cluster.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import time
from collections.abc import Iterator

import httpx

from dev.localplatform import camunda
from dev.localplatform.console import done, info, step
from dev.localplatform.errors import PlatformError
from dev.localplatform.paths import REPO_ROOT

from . import charts, diagnostics, images, kind, kube, secrets

INFRA_CHART = "local-infra"
PLATFORM_CHART = "catalog"
KIND_VALUES = REPO_ROOT / "k8s" / "values" / "catalog-kind.yaml"
SERVICE_IMAGES = ("identity", "characteristic", "specification", "pricing", "offering", "store")
INFRA_IMAGES = ("postgres", "rabbitmq", "ferretdb", "opensearch", "camunda", "zipkin")
INSTALL_TIMEOUT = "15m"


def image_values(built: dict[str, str]) -> list[str]:
    """`--set` arguments pinning each chart's image to the tag `make images` built."""

    def tag(name: str) -> str:
        return built[name].rsplit(":", 1)[1]

    values = [f"{service}.image.tag={tag(service)}" for service in SERVICE_IMAGES]
    values += [f"frontend.image.tag={tag('frontend')}", f"edge.nginx.image.tag={tag('nginx')}"]
    values += [f"catalog-operator.image.tag={tag('operator')}"]
    return values


def infra_values(built: dict[str, str]) -> list[str]:
    return [f"images.{name}.tag={built[name].rsplit(':', 1)[1]}" for name in INFRA_IMAGES]


def _set_args(values: list[str]) -> list[str]:
    return [item for value in values for item in ("--set", value)]


def recover_interrupted(release: str) -> None:
    """A deploy (or uninstall) stopped half-way leaves its release `pending-*` or
    `uninstalling`, which refuses every further install or upgrade: roll an interrupted
    upgrade back, remove an interrupted install, finish an interrupted uninstall."""
    result = kube.helm("status", release, "--namespace", kube.NAMESPACE, "-o", "json", check=False)
    if result.returncode != 0:
        return  # not installed
    status = json.loads(result.stdout)["info"]["status"]
    if status in ("pending-install", "uninstalling"):
        info(f"{release}: an interrupted install or uninstall is completed as an uninstall")
        kube.helm("uninstall", release, "--namespace", kube.NAMESPACE, "--wait")
    elif status in ("pending-upgrade", "pending-rollback"):
        info(f"{release}: an interrupted upgrade is rolled back")
        kube.helm("rollback", release, "--namespace", kube.NAMESPACE, "--wait")


def load_images() -> dict[str, str]:
    """Build every image the releases use (cached) and load those the node lacks into it;
    returns the references built."""
    kube.require_cluster()
    built = images.build_all()
    kind.load(
        [built[name] for name in (*SERVICE_IMAGES, "frontend", "operator", "nginx", *INFRA_IMAGES)]
    )
    return built


def deploy() -> None:
    try:
        install()
    except PlatformError:
        diagnostics.report_failure()
        raise


def install() -> None:
    built = load_images()
    namespace = kube.NAMESPACE
    kube.kubectl("create", "namespace", namespace, check=False)
    count = secrets.apply(kube.CLUSTER, namespace)
    done(f"{count} secrets applied (bootstrap)")
    packaged = charts.package()
    for release in (secrets.INFRA_RELEASE, secrets.CRDS_RELEASE, secrets.PLATFORM_RELEASE):
        recover_interrupted(release)
    step("installing catalog-infra (local infrastructure)")
    started = time.monotonic()
    kube.helm(
        "upgrade",
        "--install",
        secrets.INFRA_RELEASE,
        str(packaged / INFRA_CHART),
        "--namespace",
        namespace,
        "--wait",
        "--timeout",
        INSTALL_TIMEOUT,
        *_set_args(infra_values(built)),
        timeout=1200,
    )
    done(f"catalog-infra ready in {time.monotonic() - started:.0f}s")
    prepare_engine()
    kube.helm(
        "upgrade",
        "--install",
        secrets.CRDS_RELEASE,
        str(packaged / "catalog-crds"),
        "--namespace",
        namespace,
        "--wait",
        timeout=300,
    )
    done("catalog-crds installed")
    step("installing catalog (the platform)")
    started = time.monotonic()
    kube.helm(
        "upgrade",
        "--install",
        secrets.PLATFORM_RELEASE,
        str(packaged / PLATFORM_CHART),
        "--namespace",
        namespace,
        "--wait",
        "--timeout",
        INSTALL_TIMEOUT,
        "-f",
        str(KIND_VALUES),
        *_set_args(image_values(built)),
        timeout=1200,
    )
    done(f"catalog ready in {time.monotonic() - started:.0f}s")
    create_service_accounts()
    done(f"the platform answers at {kind.EDGE_URL} (the edge, NodePort 30080)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def port_forward(target: str, remote_port: int, timeout: float = 60.0) -> Iterator[str]:
    """`kubectl port-forward` to `target` (e.g. svc/x) on a free loopback port; yields the
    base URL while it runs."""
    port = free_port()
    process = subprocess.Popen(
        [
            kube.tool("kubectl"),
            "-n",
            kube.NAMESPACE,
            "port-forward",
            target,
            f"{port}:{remote_port}",
        ],
        env=kube.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                error = process.stderr.read() if process.stderr else ""
                raise PlatformError(f"port-forward to {target} failed: {error.strip()}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def prepare_engine(timeout: float = 180.0) -> None:
    """The engine's worker users (one per service with saga steps); the processes are the
    catalog operator's (the release's ProcessDefinition).

    Tried again through a new port-forward until `timeout`: right after the kind node
    restarts, its pods still look Ready while they restart, and a port-forward to one dies."""
    admin = secrets.camunda_admin_password(kube.CLUSTER)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with port_forward(f"svc/{secrets.infra_host('camunda')}", 8080) as url:
                rest = f"{url}/engine-rest"
                _wait_for_engine(rest, timeout=min(30.0, max(deadline - time.monotonic(), 1)))
                with camunda.rest_client(admin, rest) as client:
                    users = []
                    for spec in secrets.service_specs():
                        if spec.camunda:
                            user = secrets.worker_user(spec)
                            password = secrets.worker_password(kube.CLUSTER, spec)
                            camunda.ensure_user(client, user, password, admin)
                            users.append(user)
            break
        except (PlatformError, httpx.HTTPError) as error:
            if time.monotonic() > deadline:
                raise PlatformError(f"the cluster's engine did not answer: {error}") from error
            time.sleep(2)
    done(f"engine users {', '.join(users)}")


def _wait_for_engine(rest: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{rest}/engine", timeout=5, trust_env=False).status_code == 200:
                return
        time.sleep(1)
    raise PlatformError(f"no answer from {rest} within {timeout:.0f}s")


def create_service_accounts() -> None:
    """The accounts of services that call others on nobody's behalf (the store), created
    with the identity service's own command in its running pod; the password goes through
    stdin, never a command line."""
    identity = f"deploy/{secrets.PLATFORM_RELEASE}-identity"
    for spec in secrets.service_specs():
        if not spec.service_account:
            continue
        password = secrets.service_account_password(kube.CLUSTER, spec)
        kube.kubectl(
            "-n",
            kube.NAMESPACE,
            "exec",
            "-i",
            identity,
            "-c",
            "api",
            "--",
            "sh",
            "-c",
            'SERVICE_ACCOUNT_PASSWORD="$(cat)" exec python -m identity_service.entrypoints.cli'
            f" service-account {spec.name}",
            input_text=password,
        )
        done(f"service account {spec.name}")


def tilt_config() -> dict[str, object]:
    """What the Tiltfile needs, prepared as `deploy` prepares it: the base images, the
    packaged charts, the cluster's Secrets and the infrastructure images' tags."""
    kube.require_cluster()
    built = images.build_all(["python", "uv", "node", "nginx", *INFRA_IMAGES])
    kind.load([built[name] for name in ("nginx", *INFRA_IMAGES)])
    kube.kubectl("create", "namespace", kube.NAMESPACE, check=False)
    secrets.apply(kube.CLUSTER, kube.NAMESPACE)
    workers = [
        f"{secrets.PLATFORM_RELEASE}-{spec.name}-{process}"
        for spec in secrets.service_specs()
        for process in spec.processes
        if process != "api"
    ]
    jobs = [
        f"{secrets.PLATFORM_RELEASE}-{spec.name}-seed"
        for spec in secrets.service_specs()
        if spec.seed is not None
    ]
    # The catalog operator migrates the databases (migrations.operator in catalog-kind.yaml).
    migrations = [
        f"{secrets.PLATFORM_RELEASE}-{spec.name}"
        for spec in secrets.service_specs()
        if spec.has_migrations
    ]
    return {
        "namespace": kube.NAMESPACE,
        "jobs": jobs,
        "migrations": migrations,
        "charts": str(charts.package()),
        "bases": {name: built[name] for name in ("python", "uv", "node")},
        "infraTags": {name: built[name].rsplit(":", 1)[1] for name in INFRA_IMAGES},
        "nginxTag": built["nginx"].rsplit(":", 1)[1],
        "workers": workers,
        "edgeUrl": kind.EDGE_URL,
    }
