"""The identity chart: what its switches render."""

from __future__ import annotations

from typing import Any

FULLNAME = "catalog-identity"


def env_of(container: dict[str, Any]) -> dict[str, Any]:
    return {variable["name"]: variable for variable in container.get("env", [])}


def api_pod(manifests: list[Any], k8s: Any) -> dict[str, Any]:
    pod: dict[str, Any] = k8s.named(manifests, "Deployment", FULLNAME)["spec"]["template"]["spec"]
    return pod


def config(manifests: list[Any], k8s: Any) -> dict[str, str]:
    data: dict[str, str] = k8s.named(manifests, "ConfigMap", FULLNAME)["data"]
    return data


def test_settings_contract_is_in_the_config_map(render: Any, k8s: Any) -> None:
    data = config(render("identity"), k8s)

    assert data["SERVICE_NAME"] == "identity"
    assert data["ENVIRONMENT"] == "production"
    assert data["PORT"] == "8000"
    assert data["JWKS_URL"] == f"http://{FULLNAME}/api/v1/auth/jwks"
    assert data["JWT_ISSUER"] == "catalog-identity"
    assert data["JWT_AUDIENCE"] == "catalog-api"
    assert data["OTEL_SERVICE_NAME"] == "identity"


def test_database_and_broker_urls_come_from_existing_secrets(render: Any, k8s: Any) -> None:
    manifests = render(
        "identity",
        {
            "database": {"existingSecret": "identity-db-app", "secretKey": "uri"},
            "rabbitmq": {"existingSecret": "broker-identity"},
        },
    )
    (api,) = api_pod(manifests, k8s)["containers"]
    env = env_of(api)

    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
        "name": "identity-db-app",
        "key": "uri",
    }
    assert env["RABBITMQ_URL"]["valueFrom"]["secretKeyRef"]["name"] == "broker-identity"


def test_signing_keys_are_mounted_read_only_from_the_key_secret(render: Any, k8s: Any) -> None:
    manifests = render(
        "identity",
        {"jwt": {"existingSecret": "signing-keys", "previousPublicKeyKeys": ["old.pub.pem"]}},
    )
    pod = api_pod(manifests, k8s)
    (api,) = pod["containers"]
    env = env_of(api)
    volume = next(v for v in pod["volumes"] if v["name"] == "jwt-keys")
    mount = next(m for m in api["volumeMounts"] if m["name"] == "jwt-keys")

    assert volume["secret"]["secretName"] == "signing-keys"
    assert [item["key"] for item in volume["secret"]["items"]] == ["private.pem", "old.pub.pem"]
    assert mount["readOnly"] is True
    directory = mount["mountPath"]
    assert env["JWT_PRIVATE_KEY_FILE"]["value"] == f"{directory}/private.pem"
    assert env["JWT_PUBLIC_KEY_FILES"]["value"] == f"{directory}/old.pub.pem"


def test_without_previous_keys_no_public_key_files_are_set(render: Any, k8s: Any) -> None:
    (api,) = api_pod(render("identity"), k8s)["containers"]

    assert "JWT_PUBLIC_KEY_FILES" not in env_of(api)


def test_migrations_run_as_a_pre_install_and_pre_upgrade_hook(render: Any, k8s: Any) -> None:
    job = k8s.named(render("identity"), "Job", f"{FULLNAME}-migrate")
    (container,) = job["spec"]["template"]["spec"]["containers"]

    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert container["command"] == ["alembic", "upgrade", "head"]
    assert "secretKeyRef" in env_of(container)["DATABASE_URL"]["valueFrom"]
    # A pre-install hook runs before the chart's ServiceAccount and ConfigMap exist.
    assert "serviceAccountName" not in job["spec"]["template"]["spec"]
    assert "envFrom" not in container


def test_migrations_can_be_left_to_the_operator(render: Any, k8s: Any) -> None:
    manifests = render("identity", {"migrations": {"enabled": False}})

    job_names = [job["metadata"]["name"] for job in k8s.by_kind(manifests, "Job")]

    assert f"{FULLNAME}-migrate" not in job_names


def test_demo_users_are_seeded_by_a_post_install_hook_only_when_asked(
    render: Any, k8s: Any
) -> None:
    seeded = render("identity", {"seedDemoUsers": True})
    job = k8s.named(seeded, "Job", f"{FULLNAME}-seed")
    (container,) = job["spec"]["template"]["spec"]["containers"]

    assert job["metadata"]["annotations"]["helm.sh/hook"] == "post-install,post-upgrade"
    assert container["command"][-1] == "seed"
    assert env_of(container)["SEED_DEMO_USERS"]["value"] == "true"
    unseeded = [job["metadata"]["name"] for job in k8s.by_kind(render("identity"), "Job")]
    assert f"{FULLNAME}-seed" not in unseeded


def test_the_outbox_relay_runs_as_its_own_deployment(render: Any, k8s: Any) -> None:
    relay = k8s.named(render("identity"), "Deployment", f"{FULLNAME}-relay")
    (container,) = relay["spec"]["template"]["spec"]["containers"]

    assert container["command"] == ["python", "-m", "identity_service.entrypoints.relay"]
    assert relay["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == "relay"
    assert "ports" not in container

    disabled = render("identity", {"workers": {"relay": {"enabled": False}}})
    assert [d["metadata"]["name"] for d in k8s.by_kind(disabled, "Deployment")] == [FULLNAME]


def test_the_service_selects_only_api_pods(render: Any, k8s: Any) -> None:
    service = k8s.named(render("identity"), "Service", FULLNAME)

    assert service["spec"]["selector"]["app.kubernetes.io/component"] == "api"


def test_otel_sidecar_receives_otlp_on_localhost_and_exports_to_zipkin(
    render: Any, k8s: Any
) -> None:
    manifests = render(
        "identity",
        {"global": {"otel": {"zipkinEndpoint": "http://zipkin.tracing:9411/api/v2/spans"}}},
    )
    data = config(manifests, k8s)
    collector = k8s.named(manifests, "ConfigMap", f"{FULLNAME}-otel-collector")
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


def test_without_the_sidecar_the_app_exports_to_zipkin_itself(render: Any, k8s: Any) -> None:
    manifests = render("identity", {"otelCollector": {"enabled": False}})
    data = config(manifests, k8s)

    assert data["OTEL_TRACES_EXPORTER"] == "zipkin"
    assert data["OTEL_EXPORTER_ZIPKIN_ENDPOINT"].endswith("/api/v2/spans")
    assert not [m for m in manifests if m["metadata"]["name"].endswith("otel-collector")]
    for deployment in k8s.by_kind(manifests, "Deployment"):
        assert "initContainers" not in deployment["spec"]["template"]["spec"]


def test_autoscaling_hands_the_replica_count_to_the_hpa(render: Any, k8s: Any) -> None:
    manifests = render("identity", {"autoscaling": {"enabled": True}})
    hpa = k8s.named(manifests, "HorizontalPodAutoscaler", FULLNAME)

    assert hpa["spec"]["scaleTargetRef"]["name"] == FULLNAME
    assert "replicas" not in k8s.named(manifests, "Deployment", FULLNAME)["spec"]
    assert k8s.by_kind(render("identity"), "HorizontalPodAutoscaler") == []


def test_helm_test_checks_readiness_through_the_service(render: Any, k8s: Any) -> None:
    pod = k8s.named(render("identity"), "Pod", f"{FULLNAME}-test-connection")
    script = pod["spec"]["containers"][0]["command"][-1]

    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    assert f"http://{FULLNAME}:80/health/ready" in script


def test_global_image_settings_apply_unless_the_chart_sets_its_own(render: Any, k8s: Any) -> None:
    global_only = render("identity", {"global": {"image": {"registry": "reg.example", "tag": "9"}}})
    own = render(
        "identity",
        {
            "global": {"image": {"registry": "reg.example", "tag": "9"}},
            "image": {"registry": "mine.example", "tag": "1"},
        },
    )

    assert api_pod(global_only, k8s)["containers"][0]["image"] == "reg.example/catalog/identity:9"
    assert api_pod(own, k8s)["containers"][0]["image"] == "mine.example/catalog/identity:1"
