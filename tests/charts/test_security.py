"""The security rules hold in every rendered pod, whatever the values files switch."""

from __future__ import annotations

import re
from typing import Any

# Settings that hold credentials: the brokers' and data stores' URLs, passwords, keys.
SENSITIVE_ENV = re.compile(
    r"(DATABASE_URL|RABBITMQ_URL|MONGODB_URL|SEARCH_URL|PASSWORD|SECRET|TOKEN|PRIVATE_KEY)$"
)

# Where a container may write (emptyDirs only; the root filesystem is read-only).
WRITABLE = re.compile(r"/tmp")
WEB_UI_WRITABLE = re.compile(r"/tmp|/[\w./-]+/\.next/cache")
# The local cluster's databases and broker keep their data on emptyDirs (charts/local-infra).
LOCAL_INFRA_WRITABLE = re.compile(
    r"/tmp|/var/lib/postgresql/data|/var/run/postgresql|/var/lib/rabbitmq|/data"
)


def test_every_container_runs_restricted(rendered_case: list[Any], k8s: Any) -> None:
    for manifest, pod in k8s.pod_specs(rendered_case):
        where = f"{manifest['kind']} {manifest['metadata']['name']}"
        assert pod["securityContext"]["runAsNonRoot"] is True, where
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", where
        for container in k8s.containers_of(pod):
            context = container["securityContext"]
            here = f"{where} / {container['name']}"
            assert context["runAsNonRoot"] is True, here
            assert context["runAsUser"] != 0, here
            assert context["readOnlyRootFilesystem"] is True, here
            assert context["allowPrivilegeEscalation"] is False, here
            assert "ALL" in context["capabilities"]["drop"], here
            assert not context["capabilities"].get("add"), here
            assert context["seccompProfile"]["type"] == "RuntimeDefault", here


def test_every_container_has_resource_requests_and_limits(
    rendered_case: list[Any], k8s: Any
) -> None:
    for manifest, pod in k8s.pod_specs(rendered_case):
        for container in k8s.containers_of(pod):
            resources = container["resources"]
            here = f"{manifest['metadata']['name']} / {container['name']}"
            assert {"cpu", "memory"} <= set(resources["limits"]), here
            assert {"cpu", "memory"} <= set(resources["requests"]), here


def test_pods_get_no_service_account_token(rendered_case: list[Any], k8s: Any) -> None:
    for manifest, pod in k8s.pod_specs(rendered_case):
        assert pod["automountServiceAccountToken"] is False, manifest["metadata"]["name"]


def writable_paths(manifest: dict[str, Any]) -> re.Pattern[str]:
    """/tmp everywhere; the web UI's Next.js server also writes its runtime cache (`.next/cache`
    of the directory it runs from), the local cluster's data stores their data directories."""
    if "frontend/templates/" in manifest["_source"]:
        return WEB_UI_WRITABLE
    if "local-infra/templates/" in manifest["_source"]:
        return LOCAL_INFRA_WRITABLE
    return WRITABLE


def test_only_tmp_is_writable(rendered_case: list[Any], k8s: Any) -> None:
    for manifest, pod in k8s.pod_specs(rendered_case):
        volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
        allowed = writable_paths(manifest)
        for container in k8s.containers_of(pod):
            for mount in container.get("volumeMounts", []):
                writable = not mount.get("readOnly", False)
                if writable:
                    assert allowed.fullmatch(mount["mountPath"]), manifest["metadata"]["name"]
                    assert "emptyDir" in volumes[mount["name"]]


def test_no_secret_is_rendered_and_secret_settings_come_from_secret_refs(
    rendered_case: list[Any], k8s: Any
) -> None:
    assert k8s.by_kind(rendered_case, "Secret") == []
    for manifest in rendered_case:
        assert "PRIVATE KEY" not in str(manifest)
    for manifest, pod in k8s.pod_specs(rendered_case):
        for container in k8s.containers_of(pod):
            for variable in container.get("env", []):
                if SENSITIVE_ENV.search(variable["name"]):
                    where = f"{manifest['metadata']['name']}: {variable['name']}"
                    assert "secretKeyRef" in variable["valueFrom"], where
    for config_map in k8s.by_kind(rendered_case, "ConfigMap"):
        assert not any(SENSITIVE_ENV.search(key) for key in config_map.get("data", {}))


def test_api_containers_are_probed_on_the_health_endpoints(
    rendered_case: list[Any], k8s: Any
) -> None:
    apis = [
        deployment
        for deployment in k8s.by_kind(rendered_case, "Deployment")
        if deployment["metadata"]["labels"].get("app.kubernetes.io/component") == "api"
    ]
    for deployment in apis:
        (api,) = deployment["spec"]["template"]["spec"]["containers"]
        assert api["livenessProbe"]["httpGet"]["path"] == "/health"
        assert api["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert api["startupProbe"]["httpGet"]["path"] == "/health"


def test_worker_containers_are_probed_on_their_own_metrics_server(
    rendered_case: list[Any], k8s: Any
) -> None:
    """Every worker with a metrics server (`workerMetrics`) listens where the kubelet and
    Prometheus reach it and is restarted when stuck; without one it is never probed there."""
    for deployment in k8s.by_kind(rendered_case, "Deployment"):
        component = deployment["metadata"]["labels"].get("app.kubernetes.io/component")
        (container, *_) = deployment["spec"]["template"]["spec"]["containers"]
        env = k8s.env_of(container)
        ports = {port["name"]: port for port in container.get("ports", [])}
        where = deployment["metadata"]["name"]
        if component == "api" or "metrics" not in ports:
            assert "METRICS_PORT" not in env, where
            continue
        assert env["METRICS_PORT"]["value"] == str(ports["metrics"]["containerPort"]), where
        assert env["METRICS_ADDRESS"]["value"] == "0.0.0.0", where
        assert container["livenessProbe"]["httpGet"] == {
            "path": "/health/live",
            "port": "metrics",
        }, where
