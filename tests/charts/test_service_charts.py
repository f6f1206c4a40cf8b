"""What every service chart renders: the library's workloads with the service's own processes.

Each test runs once per service chart (the `service_chart` fixture), rendered standalone as
release `catalog`, so the chart's fullname is `catalog-<service>`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import ENGINE_CHARTS, SERVICE_CHARTS, WORKER_CHARTS, load_yaml, service_catalog

REPO = Path(__file__).resolve().parents[2]
SERVICES = REPO / "services"
CHARTS = REPO / "charts"
IDENTITY = "catalog-identity"
# The engine user of a service that runs saga steps, from a Secret the chart never renders.
ENGINE_CREDENTIALS = {"CAMUNDA_USERNAME", "CAMUNDA_PASSWORD"}
# Where a worker's metrics server listens (catalog_chassis.worker_endpoints), and the
# annotations of Prometheus' annotation-based pod discovery.
METRICS_ENV = {"METRICS_PORT", "METRICS_ADDRESS"}
SCRAPE_ANNOTATIONS = {"prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path"}
LIVENESS = {"path": "/health/live", "port": "metrics"}


def fullname(chart: str) -> str:
    return f"catalog-{chart}"


def api_pod(manifests: list[Any], k8s: Any, chart: str) -> dict[str, Any]:
    deployment = k8s.named(manifests, "Deployment", fullname(chart))
    pod: dict[str, Any] = deployment["spec"]["template"]["spec"]
    return pod


def config(manifests: list[Any], k8s: Any, chart: str) -> dict[str, str]:
    data: dict[str, str] = k8s.named(manifests, "ConfigMap", fullname(chart))["data"]
    return data


def worker_processes(chart: str) -> dict[str, list[str]]:
    """The service's processes other than the API, from its [tool.catalog.processes]."""
    processes: dict[str, list[str]] = service_catalog(chart)["processes"]
    return {name: command for name, command in processes.items() if name != "api"}


def has_database(chart: str) -> bool:
    """Whether the service keeps a Postgres database (the store keeps none)."""
    return bool(service_catalog(chart).get("database", False))


def uses_process_engine(chart: str) -> bool:
    """Whether the service runs saga steps on the process engine (`camunda = true`)."""
    return chart in ENGINE_CHARTS


def engine_url(manifests: list[Any], k8s: Any, chart: str) -> str:
    return config(manifests, k8s, chart)["CAMUNDA_URL"]


def containers(manifests: list[Any], k8s: Any, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """(workload name, its container) of every workload of a kind (Deployment, Job)."""
    found = []
    for workload in k8s.by_kind(manifests, kind):
        (container,) = workload["spec"]["template"]["spec"]["containers"]
        found.append((workload["metadata"]["name"], container))
    return found


# The service charts whose service keeps a Postgres database: DATABASE_URL and migrations.
DATABASE_CHARTS = sorted(
    path.parent.name
    for path in SERVICES.glob("*/pyproject.toml")
    if (CHARTS / path.parent.name / "Chart.yaml").exists() and has_database(path.parent.name)
)


@pytest.fixture(params=DATABASE_CHARTS)
def database_chart(request: pytest.FixtureRequest) -> str:
    """Each service chart whose service keeps a database, in turn."""
    chart: str = request.param
    return chart


def test_settings_contract_is_in_the_config_map(render: Any, k8s: Any, service_chart: str) -> None:
    data = config(render(service_chart), k8s, service_chart)

    assert data["SERVICE_NAME"] == service_chart
    assert data["ENVIRONMENT"] == "production"
    assert data["PORT"] == "8000"
    assert data["JWKS_URL"] == f"http://{IDENTITY}/api/v1/auth/jwks"
    assert data["JWT_ISSUER"] == "catalog-identity"
    assert data["JWT_AUDIENCE"] == "catalog-api"
    assert data["OTEL_SERVICE_NAME"] == service_chart


def test_the_image_runs_the_services_api(render: Any, k8s: Any, service_chart: str) -> None:
    (api,) = api_pod(render(service_chart), k8s, service_chart)["containers"]

    assert api["image"] == f"catalog/{service_chart}:0.1.0"
    # The image's CMD (uvicorn on the service's app factory) runs the API.
    assert "command" not in api


def test_database_and_broker_urls_come_from_existing_secrets(
    render: Any, k8s: Any, service_chart: str
) -> None:
    values: dict[str, Any] = {"rabbitmq": {"enabled": True, "existingSecret": "broker-service"}}
    if has_database(service_chart):
        values["database"] = {"existingSecret": "service-db-app", "secretKey": "uri"}
    manifests = render(service_chart, values)

    for deployment in k8s.by_kind(manifests, "Deployment"):
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        env = k8s.env_of(container)
        if has_database(service_chart):
            assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
                "name": "service-db-app",
                "key": "uri",
            }
        assert env["RABBITMQ_URL"]["valueFrom"]["secretKeyRef"]["name"] == "broker-service"


def test_only_a_service_with_a_database_gets_a_database_url_and_migrations(
    render: Any, k8s: Any, service_chart: str
) -> None:
    manifests = render(service_chart)
    jobs = [job["metadata"]["name"] for job in k8s.by_kind(manifests, "Job")]

    assert (f"{fullname(service_chart)}-migrate" in jobs) == has_database(service_chart)
    workloads = [*k8s.by_kind(manifests, "Deployment"), *k8s.by_kind(manifests, "Job")]
    for workload in workloads:
        (container,) = workload["spec"]["template"]["spec"]["containers"]
        has_url = "DATABASE_URL" in k8s.env_of(container)
        assert has_url == has_database(service_chart), workload["metadata"]["name"]


def test_migrations_run_as_a_pre_install_and_pre_upgrade_hook(
    render: Any, k8s: Any, database_chart: str
) -> None:
    service_chart = database_chart
    job = k8s.named(render(service_chart), "Job", f"{fullname(service_chart)}-migrate")
    (container,) = job["spec"]["template"]["spec"]["containers"]

    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert container["command"] == ["alembic", "upgrade", "head"]
    assert "secretKeyRef" in k8s.env_of(container)["DATABASE_URL"]["valueFrom"]
    # A pre-install hook runs before the chart's ServiceAccount and ConfigMap exist.
    assert "serviceAccountName" not in job["spec"]["template"]["spec"]
    assert "envFrom" not in container


def wait_containers(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    pod = deployment["spec"]["template"]["spec"]
    return [c for c in pod.get("initContainers", []) if c["name"] == "wait-for-migration"]


def test_migrations_can_be_switched_off(render: Any, k8s: Any, database_chart: str) -> None:
    service_chart = database_chart
    manifests = render(service_chart, {"migrations": {"enabled": False, "operator": True}})

    job_names = [job["metadata"]["name"] for job in k8s.by_kind(manifests, "Job")]

    assert f"{fullname(service_chart)}-migrate" not in job_names
    assert k8s.by_kind(manifests, "DatabaseMigration") == []
    for deployment in k8s.by_kind(manifests, "Deployment"):
        assert wait_containers(deployment) == [], deployment["metadata"]["name"]


def test_migrations_handed_to_the_operator_are_a_database_migration_every_pod_waits_for(
    render: Any, k8s: Any, database_chart: str
) -> None:
    service_chart = database_chart
    manifests = render(service_chart, {"migrations": {"operator": True, "backoffLimit": 2}})
    (api,) = api_pod(manifests, k8s, service_chart)["containers"]
    database_url = k8s.env_of(api)["DATABASE_URL"]

    (migration,) = k8s.by_kind(manifests, "DatabaseMigration")
    spec = migration["spec"]
    env = {variable["name"]: variable for variable in spec["env"]}

    assert migration["apiVersion"] == "catalog.example/v1alpha1"
    assert migration["metadata"]["name"] == fullname(service_chart)
    assert "helm.sh/hook" not in migration["metadata"].get("annotations", {})
    assert spec["service"] == service_chart
    # The lock's key is this release's database.
    assert spec["database"] == fullname(service_chart)
    assert (spec["image"], spec["targetRevision"]) == (api["image"], "head")
    assert spec["backoffLimit"] == 2
    assert env["DATABASE_URL"] == database_url
    assert env["SERVICE_NAME"]["value"] == service_chart
    assert {"requests", "limits"} <= set(spec["resources"])
    assert f"{fullname(service_chart)}-migrate" not in {
        job["metadata"]["name"] for job in k8s.by_kind(manifests, "Job")
    }
    deployments = k8s.by_kind(manifests, "Deployment")
    assert len(deployments) == 1 + len(worker_processes(service_chart))
    for deployment in deployments:
        here = deployment["metadata"]["name"]
        (wait,) = wait_containers(deployment)
        assert wait["image"] == api["image"], here
        assert wait["command"] == [
            "python",
            "-m",
            "catalog_chassis.migration_wait",
            "--interval",
            "3",
        ], here
        assert k8s.env_of(wait)["DATABASE_URL"] == database_url, here
        assert wait["envFrom"] == [{"configMapRef": {"name": fullname(service_chart)}}], here
        assert wait["securityContext"]["readOnlyRootFilesystem"] is True, here


def test_every_process_of_the_service_runs_as_a_worker_deployment(
    render: Any, k8s: Any, service_chart: str
) -> None:
    manifests = render(service_chart)
    workers = {
        deployment["metadata"]["name"]
        for deployment in k8s.by_kind(manifests, "Deployment")
        if deployment["metadata"]["name"] != fullname(service_chart)
    }

    # Exactly the service's processes: none missing, none the service does not have.
    assert workers == {f"{fullname(service_chart)}-{p}" for p in worker_processes(service_chart)}
    for process, command in worker_processes(service_chart).items():
        worker = k8s.named(manifests, "Deployment", f"{fullname(service_chart)}-{process}")
        (container,) = worker["spec"]["template"]["spec"]["containers"]
        assert container["command"] == command, process
        assert container["envFrom"] == [{"configMapRef": {"name": fullname(service_chart)}}]
        assert worker["metadata"]["labels"]["app.kubernetes.io/component"] == process


def test_workers_can_be_switched_off(render: Any, k8s: Any, service_chart: str) -> None:
    workers = {name: {"enabled": False} for name in worker_processes(service_chart)}

    manifests = render(service_chart, {"workers": workers})

    names = [deployment["metadata"]["name"] for deployment in k8s.by_kind(manifests, "Deployment")]
    assert names == [fullname(service_chart)]


def test_the_service_selects_only_api_pods(render: Any, k8s: Any, service_chart: str) -> None:
    service = k8s.named(render(service_chart), "Service", fullname(service_chart))

    assert service["spec"]["selector"]["app.kubernetes.io/component"] == "api"


def test_otel_sidecar_receives_otlp_on_localhost_and_exports_to_zipkin(
    render: Any, k8s: Any, service_chart: str
) -> None:
    manifests = render(
        service_chart,
        {"global": {"otel": {"zipkinEndpoint": "http://zipkin.tracing:9411/api/v2/spans"}}},
    )
    data = config(manifests, k8s, service_chart)
    collector = k8s.named(manifests, "ConfigMap", f"{fullname(service_chart)}-otel-collector")
    collector_config = collector["data"]["config.yaml"]

    assert data["OTEL_TRACES_EXPORTER"] == "otlp"
    assert data["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://localhost:4318"
    assert "endpoint: 127.0.0.1:4318" in collector_config
    assert 'endpoint: "http://zipkin.tracing:9411/api/v2/spans"' in collector_config
    for deployment in k8s.by_kind(manifests, "Deployment"):
        (sidecar,) = deployment["spec"]["template"]["spec"]["initContainers"]
        assert sidecar["name"] == "otel-collector"
        assert sidecar["image"].startswith("otel/opentelemetry-collector-contrib:")
        assert sidecar["restartPolicy"] == "Always"


def test_without_the_sidecar_the_app_exports_to_zipkin_itself(
    render: Any, k8s: Any, service_chart: str
) -> None:
    manifests = render(service_chart, {"otelCollector": {"enabled": False}})
    data = config(manifests, k8s, service_chart)

    assert data["OTEL_TRACES_EXPORTER"] == "zipkin"
    assert data["OTEL_EXPORTER_ZIPKIN_ENDPOINT"].endswith("/api/v2/spans")
    assert not [m for m in manifests if m["metadata"]["name"].endswith("otel-collector")]
    for deployment in k8s.by_kind(manifests, "Deployment"):
        assert "initContainers" not in deployment["spec"]["template"]["spec"]


def test_traces_a_service_starts_are_sampled_by_ratio_and_requests_follow_their_parent(
    render: Any, k8s: Any, service_chart: str
) -> None:
    default = config(render(service_chart), k8s, service_chart)
    chart = config(render(service_chart, {"tracing": {"samplerArg": "0.25"}}), k8s, service_chart)
    off = config(render(service_chart, {"tracing": {"enabled": False}}), k8s, service_chart)

    assert default["OTEL_TRACES_SAMPLER"] == "parentbased_traceidratio"
    assert default["OTEL_TRACES_SAMPLER_ARG"] == "0.1"
    assert chart["OTEL_TRACES_SAMPLER_ARG"] == "0.25"
    assert "OTEL_TRACES_SAMPLER" not in off


def test_autoscaling_hands_the_replica_count_to_the_hpa(
    render: Any, k8s: Any, service_chart: str
) -> None:
    name = fullname(service_chart)
    manifests = render(service_chart, {"autoscaling": {"enabled": True}})
    hpa = k8s.named(manifests, "HorizontalPodAutoscaler", name)

    assert hpa["spec"]["scaleTargetRef"]["name"] == name
    assert "replicas" not in k8s.named(manifests, "Deployment", name)["spec"]
    assert k8s.by_kind(render(service_chart), "HorizontalPodAutoscaler") == []


def test_helm_test_checks_readiness_through_the_service(
    render: Any, k8s: Any, service_chart: str
) -> None:
    name = fullname(service_chart)
    pod = k8s.named(render(service_chart), "Pod", f"{name}-test-connection")
    script = pod["spec"]["containers"][0]["command"][-1]

    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    assert f"http://{name}:80/health/ready" in script


def test_global_image_settings_apply_unless_the_chart_sets_its_own(
    render: Any, k8s: Any, service_chart: str
) -> None:
    shared = {"global": {"image": {"registry": "reg.example", "tag": "9"}}}
    global_only = render(service_chart, shared)
    own = render(service_chart, {**shared, "image": {"registry": "mine.example", "tag": "1"}})

    image = api_pod(global_only, k8s, service_chart)["containers"][0]["image"]
    assert image == f"reg.example/catalog/{service_chart}:9"
    image = api_pod(own, k8s, service_chart)["containers"][0]["image"]
    assert image == f"mine.example/catalog/{service_chart}:1"


def test_the_umbrella_installs_the_service_with_its_workers_and_shared_settings(
    render: Any, k8s: Any, service_chart: str
) -> None:
    manifests = render(
        "catalog",
        {"global": {"environment": "test", "auth": {"jwksUrl": "http://jwks.example/keys"}}},
    )
    name = fullname(service_chart)

    k8s.named(manifests, "Deployment", name)
    k8s.named(manifests, "Service", name)
    if has_database(service_chart):
        k8s.named(manifests, "Job", f"{name}-migrate")
    for process in worker_processes(service_chart):
        k8s.named(manifests, "Deployment", f"{name}-{process}")
    data = config(manifests, k8s, service_chart)
    assert data["ENVIRONMENT"] == "test"
    assert data["JWKS_URL"] == "http://jwks.example/keys"


def test_only_a_service_that_runs_saga_steps_gets_the_process_engine(
    render: Any, k8s: Any, service_chart: str
) -> None:
    manifests = render(service_chart)

    uses_engine = uses_process_engine(service_chart)
    assert ("CAMUNDA_URL" in config(manifests, k8s, service_chart)) == uses_engine
    # The API too: the offering's starts the saga right after a publish.
    for name, container in containers(manifests, k8s, "Deployment"):
        credentials = ENGINE_CREDENTIALS & set(k8s.env_of(container))
        assert credentials == (ENGINE_CREDENTIALS if uses_engine else set()), name


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(
            None, "http://catalog-camunda:8080/engine-rest", id="the release's engine Service"
        ),
        pytest.param(
            {"global": {"processEngine": {"url": "http://{{ .Release.Name }}-bpm/engine-rest"}}},
            "http://catalog-bpm/engine-rest",
            id="the umbrella's global value, templated",
        ),
        pytest.param(
            {
                "global": {"processEngine": {"url": "http://global.example/engine-rest"}},
                "processEngine": {"url": "https://own.example/engine-rest"},
            },
            "https://own.example/engine-rest",
            id="the chart's own value first",
        ),
    ],
)
def test_engine_url_defaults_to_the_release_and_can_be_overridden(
    render: Any, k8s: Any, engine_chart: str, values: dict[str, Any] | None, expected: str
) -> None:
    manifests = render(engine_chart, values)

    assert engine_url(manifests, k8s, engine_chart) == expected
    # Every process reads it from the ConfigMap, never from an env entry of its own.
    for name, container in containers(manifests, k8s, "Deployment"):
        assert container["envFrom"] == [{"configMapRef": {"name": fullname(engine_chart)}}]
        assert "CAMUNDA_URL" not in k8s.env_of(container), name


@pytest.mark.parametrize(
    ("values", "secret", "keys"),
    [
        pytest.param(
            None,
            "{fullname}-process-engine",
            {"CAMUNDA_USERNAME": "CAMUNDA_USERNAME", "CAMUNDA_PASSWORD": "CAMUNDA_PASSWORD"},
            id="defaults",
        ),
        pytest.param(
            {
                "processEngine": {
                    "existingSecret": "engine-user",
                    "usernameKey": "username",
                    "passwordKey": "password",
                }
            },
            "engine-user",
            {"CAMUNDA_USERNAME": "username", "CAMUNDA_PASSWORD": "password"},
            id="given Secret and keys",
        ),
    ],
)
def test_every_process_reads_its_engine_user_from_an_existing_secret(
    render: Any,
    k8s: Any,
    engine_chart: str,
    values: dict[str, Any] | None,
    secret: str,
    keys: dict[str, str],
) -> None:
    manifests = render(engine_chart, values)
    secret = secret.format(fullname=fullname(engine_chart))

    workloads = containers(manifests, k8s, "Deployment")
    assert {name for name, _ in workloads} >= {
        fullname(engine_chart),
        f"{fullname(engine_chart)}-saga-worker",
    }
    for name, container in workloads:
        env = k8s.env_of(container)
        for variable, key in keys.items():
            # A reference only: no `value` beside it.
            assert env[variable] == {
                "name": variable,
                "valueFrom": {"secretKeyRef": {"name": secret, "key": key}},
            }, name


def test_no_engine_credential_is_rendered(render: Any, k8s: Any, engine_chart: str) -> None:
    manifests = render(engine_chart)

    assert k8s.by_kind(manifests, "Secret") == []
    for config_map in k8s.by_kind(manifests, "ConfigMap"):
        assert not ENGINE_CREDENTIALS & set(config_map["data"])
    # Hook Jobs never call the engine: they get its URL with the settings, but no user.
    for name, container in containers(manifests, k8s, "Job"):
        env = k8s.env_of(container)
        assert not ENGINE_CREDENTIALS & set(env), name
        assert env["CAMUNDA_URL"]["value"] == "http://catalog-camunda:8080/engine-rest"


def test_without_the_process_engine_no_process_gets_its_settings(
    render: Any, k8s: Any, engine_chart: str
) -> None:
    manifests = render(
        engine_chart,
        {"processEngine": {"enabled": False}, "workers": {"saga-worker": {"enabled": False}}},
    )

    assert "CAMUNDA_URL" not in config(manifests, k8s, engine_chart)
    for name, container in [
        *containers(manifests, k8s, "Deployment"),
        *containers(manifests, k8s, "Job"),
    ]:
        assert not {"CAMUNDA_URL", *ENGINE_CREDENTIALS} & set(k8s.env_of(container)), name
    names = {name for name, _ in containers(manifests, k8s, "Deployment")}
    assert f"{fullname(engine_chart)}-saga-worker" not in names


def test_a_changed_engine_url_rolls_the_pods(render: Any, k8s: Any, engine_chart: str) -> None:
    def checksum(values: dict[str, Any] | None) -> str:
        deployment = k8s.named(
            render(engine_chart, values), "Deployment", f"{fullname(engine_chart)}-saga-worker"
        )
        annotations: dict[str, str] = deployment["spec"]["template"]["metadata"]["annotations"]
        return annotations["checksum/config"]

    assert checksum(None) != checksum({"processEngine": {"url": "http://own.example/engine-rest"}})


def test_in_the_umbrella_the_services_reach_the_releases_engine(render: Any, k8s: Any) -> None:
    manifests = render("catalog")
    overridden = render(
        "catalog", {"global": {"processEngine": {"url": "http://bpm.example/engine-rest"}}}
    )

    for chart in SERVICE_CHARTS:
        data = config(manifests, k8s, chart)
        if chart not in ENGINE_CHARTS:
            assert "CAMUNDA_URL" not in data, chart
            continue
        # The umbrella's `camunda` dependency is named `<release>-camunda`.
        assert data["CAMUNDA_URL"] == "http://catalog-camunda:8080/engine-rest", chart
        assert engine_url(overridden, k8s, chart) == "http://bpm.example/engine-rest", chart


# Every worker's metrics and liveness (`workerMetrics`): what the library adds to each worker.


def default_metrics_port(chart: str) -> int:
    """The chart's own `workerMetrics.port` (the store keeps its consumers' 9106)."""
    return int(load_yaml(CHARTS / chart / "values.yaml")["workerMetrics"]["port"])


def workers_of(manifests: list[Any], k8s: Any, chart: str) -> dict[str, dict[str, Any]]:
    """Each worker Deployment of the chart (its Deployments but the API's), by process."""
    prefix = f"{fullname(chart)}-"
    return {
        deployment["metadata"]["name"].removeprefix(prefix): deployment
        for deployment in k8s.by_kind(manifests, "Deployment")
        if deployment["metadata"]["name"].startswith(prefix)
    }


def container_of(deployment: dict[str, Any]) -> dict[str, Any]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    found: dict[str, Any] = container
    return found


def annotations_of(deployment: dict[str, Any]) -> dict[str, str]:
    annotations: dict[str, str] = deployment["spec"]["template"]["metadata"]["annotations"]
    return annotations


def assert_serves_metrics(deployment: dict[str, Any], k8s: Any, port: int) -> None:
    name = deployment["metadata"]["name"]
    container = container_of(deployment)
    env = k8s.env_of(container)
    assert container["ports"] == [{"name": "metrics", "containerPort": port, "protocol": "TCP"}], (
        name
    )
    assert env["METRICS_PORT"] == {"name": "METRICS_PORT", "value": str(port)}, name
    # The server's default, 127.0.0.1, could not be reached by Prometheus or the kubelet.
    assert env["METRICS_ADDRESS"] == {"name": "METRICS_ADDRESS", "value": "0.0.0.0"}, name
    assert {
        key: value for key, value in annotations_of(deployment).items() if key in SCRAPE_ANNOTATIONS
    } == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(port),
        "prometheus.io/path": "/metrics",
    }, name


def assert_serves_no_metrics(deployment: dict[str, Any], k8s: Any) -> None:
    name = deployment["metadata"]["name"]
    container = container_of(deployment)
    assert "metrics" not in [port["name"] for port in container.get("ports", [])], name
    assert not METRICS_ENV & set(k8s.env_of(container)), name
    assert not SCRAPE_ANNOTATIONS & set(annotations_of(deployment)), name


def test_every_worker_serves_metrics_and_liveness_on_a_port_of_its_own(
    render: Any, k8s: Any, worker_chart: str
) -> None:
    manifests = render(worker_chart)
    port = default_metrics_port(worker_chart)
    workers = workers_of(manifests, k8s, worker_chart)

    assert set(workers) == set(worker_processes(worker_chart))
    for process, deployment in workers.items():
        assert_serves_metrics(deployment, k8s, port)
        container = container_of(deployment)
        liveness, startup = container["livenessProbe"], container["startupProbe"]
        assert liveness["httpGet"] == LIVENESS, process
        assert startup["httpGet"] == LIVENESS, process
        # A stuck loop answers 503 after 30 s: a few failed checks then restart the process.
        assert liveness["failureThreshold"] * liveness["periodSeconds"] <= 60, process
        assert liveness["timeoutSeconds"] >= 1, process
        # A slow start is not a stuck loop: the startup probe gives it a minute.
        assert startup["failureThreshold"] * startup["periodSeconds"] >= 60, process
        assert "readinessProbe" not in container, process  # workers get no traffic
    # Per worker container, never in the ConfigMap the API reads too.
    assert not METRICS_ENV & set(config(manifests, k8s, worker_chart))


def test_the_api_gets_none_of_the_worker_metrics(render: Any, k8s: Any, service_chart: str) -> None:
    manifests = render(service_chart)
    api = k8s.named(manifests, "Deployment", fullname(service_chart))

    assert_serves_no_metrics(api, k8s)
    # It serves /metrics on its HTTP port and is probed there.
    assert [port["name"] for port in container_of(api)["ports"]] == ["http"]
    assert container_of(api)["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert not METRICS_ENV & set(config(manifests, k8s, service_chart))


def test_worker_metrics_can_be_switched_off(render: Any, k8s: Any, worker_chart: str) -> None:
    manifests = render(worker_chart, {"workerMetrics": {"enabled": False}})
    workers = workers_of(manifests, k8s, worker_chart)

    assert set(workers) == set(worker_processes(worker_chart))
    for process, deployment in workers.items():
        assert_serves_no_metrics(deployment, k8s)
        container = container_of(deployment)
        assert "ports" not in container, process
        # No server, nothing to probe (a named port `metrics` would not exist).
        assert "livenessProbe" not in container, process
        assert "startupProbe" not in container, process


def test_the_scrape_annotations_can_be_switched_off_alone(
    render: Any, k8s: Any, worker_chart: str
) -> None:
    manifests = render(worker_chart, {"workerMetrics": {"scrapeAnnotations": False}})

    for process, deployment in workers_of(manifests, k8s, worker_chart).items():
        container = container_of(deployment)
        assert [port["name"] for port in container["ports"]] == ["metrics"], process
        assert set(k8s.env_of(container)) >= METRICS_ENV, process
        assert container["livenessProbe"]["httpGet"] == LIVENESS, process
        assert not SCRAPE_ANNOTATIONS & set(annotations_of(deployment)), process


def test_one_port_value_moves_the_setting_the_port_and_the_annotation(
    render: Any, k8s: Any, worker_chart: str
) -> None:
    manifests = render(worker_chart, {"workerMetrics": {"port": 9200}})

    for process, deployment in workers_of(manifests, k8s, worker_chart).items():
        assert_serves_metrics(deployment, k8s, 9200)
        # The probes follow the named port.
        assert container_of(deployment)["livenessProbe"]["httpGet"] == LIVENESS, process


def test_a_workers_own_probes_win_over_the_charts(render: Any, k8s: Any, worker_chart: str) -> None:
    first, *others = sorted(worker_processes(worker_chart))
    own = {
        "livenessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 30},
        "startupProbe": {"tcpSocket": {"port": "metrics"}, "failureThreshold": 90},
    }
    manifests = render(
        worker_chart,
        {
            "workers": {first: own},
            "workerMetrics": {"livenessProbe": {"periodSeconds": 20}},
        },
    )
    workers = workers_of(manifests, k8s, worker_chart)

    mine = container_of(workers[first])
    assert mine["livenessProbe"] == own["livenessProbe"]
    assert mine["startupProbe"] == own["startupProbe"]
    assert_serves_metrics(workers[first], k8s, default_metrics_port(worker_chart))
    for process in others:
        liveness = container_of(workers[process])["livenessProbe"]
        # The chart's probe, tuned in place.
        assert liveness["httpGet"] == LIVENESS, process
        assert liveness["periodSeconds"] == 20, process


def test_null_removes_a_probe_of_the_charts_from_every_worker(
    render: Any, k8s: Any, worker_chart: str
) -> None:
    manifests = render(worker_chart, {"workerMetrics": {"livenessProbe": None}})

    for process, deployment in workers_of(manifests, k8s, worker_chart).items():
        container = container_of(deployment)
        assert "livenessProbe" not in container, process
        assert container["startupProbe"]["httpGet"] == LIVENESS, process
        assert_serves_metrics(deployment, k8s, default_metrics_port(worker_chart))


def test_the_charts_pod_annotations_win_over_the_scrape_annotations(
    render: Any, k8s: Any, worker_chart: str
) -> None:
    manifests = render(
        worker_chart, {"podAnnotations": {"prometheus.io/scrape": "false", "team": "x"}}
    )
    port = str(default_metrics_port(worker_chart))

    for process, deployment in workers_of(manifests, k8s, worker_chart).items():
        annotations = annotations_of(deployment)
        assert annotations["prometheus.io/scrape"] == "false", process
        assert annotations["prometheus.io/port"] == port, process
        assert annotations["team"] == "x", process
    api = annotations_of(k8s.named(manifests, "Deployment", fullname(worker_chart)))
    assert api["team"] == "x"
    assert "prometheus.io/port" not in api


def test_in_the_umbrella_each_service_switches_its_worker_metrics_on_its_own(
    render: Any, k8s: Any
) -> None:
    off, *on = WORKER_CHARTS
    manifests = render("catalog", {off: {"workerMetrics": {"enabled": False}}})

    for deployment in workers_of(manifests, k8s, off).values():
        assert_serves_no_metrics(deployment, k8s)
    for chart in on:
        workers = workers_of(manifests, k8s, chart)
        assert set(workers) == set(worker_processes(chart)), chart
        for deployment in workers.values():
            assert_serves_metrics(deployment, k8s, default_metrics_port(chart))
