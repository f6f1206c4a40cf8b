"""The web UI's chart: the Next.js standalone server (`node server.js`) behind a Service on
port 80, run restricted on a read-only root filesystem, and the umbrella routing `/` to it.

The generic checks (lint, manifest validation, the security rules) cover it through
conftest's chart discovery; this module checks what is the UI's own.
"""

from __future__ import annotations

from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest

from .conftest import FRONTEND, SERVICE_CHARTS, chart_metadata
from .test_edge import routed_prefixes

FULLNAME = "catalog-frontend"
APP_VERSION = chart_metadata(FRONTEND)["appVersion"]
# The umbrella with the UI installed and routed.
WITH_UI = {"frontend": {"enabled": True}, "edge": {"frontend": {"enabled": True}}}


def server_container(deployment: dict[str, Any]) -> dict[str, Any]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def frontend_objects(manifests: list[Any]) -> list[Any]:
    return [
        m for m in manifests if m["metadata"]["labels"].get("app.kubernetes.io/name") == FRONTEND
    ]


# --- discovery ------------------------------------------------------------------------------


def test_the_ui_chart_is_on_the_library_but_is_no_service_chart() -> None:
    dependencies = {d["name"] for d in chart_metadata(FRONTEND)["dependencies"]}

    assert dependencies == {"catalog-lib"}
    assert FRONTEND not in SERVICE_CHARTS


# --- the Deployment -------------------------------------------------------------------------


def test_the_server_runs_the_images_own_command_on_port_3000(render: Any, k8s: Any) -> None:
    deployment = k8s.named(render(FRONTEND), "Deployment", FULLNAME)
    container = server_container(deployment)
    env = k8s.env_of(container)

    assert container["image"] == f"catalog/frontend:{APP_VERSION}"
    assert "command" not in container
    assert "args" not in container
    assert env["PORT"]["value"] == "3000"
    assert env["HOSTNAME"]["value"] == "0.0.0.0"
    assert container["ports"] == [{"name": "http", "containerPort": 3000, "protocol": "TCP"}]
    assert deployment["spec"]["replicas"] == 2


def test_the_container_port_follows_the_value(render: Any, k8s: Any) -> None:
    deployment = k8s.named(render(FRONTEND, {"containerPort": 8080}), "Deployment", FULLNAME)
    container = server_container(deployment)

    assert k8s.env_of(container)["PORT"]["value"] == "8080"
    assert container["ports"][0]["containerPort"] == 8080


@pytest.mark.parametrize(
    ("values", "image"),
    [
        pytest.param(
            {"global": {"image": {"registry": "registry.example.com", "tag": "1.2.3"}}},
            "registry.example.com/catalog/frontend:1.2.3",
            id="the umbrella's global registry and tag",
        ),
        pytest.param(
            {
                "global": {"image": {"registry": "registry.example.com", "tag": "1.2.3"}},
                "image": {"registry": "own.example.com", "tag": "9.9.9"},
            },
            "own.example.com/catalog/frontend:9.9.9",
            id="the chart's own registry and tag first",
        ),
    ],
)
def test_the_image_falls_back_to_the_global_registry_and_tag(
    render: Any, k8s: Any, values: dict[str, Any], image: str
) -> None:
    deployment = k8s.named(render(FRONTEND, values), "Deployment", FULLNAME)

    assert server_container(deployment)["image"] == image


def test_extra_env_is_templated(render: Any, k8s: Any) -> None:
    values = {"env": {"NEXT_PUBLIC_RELEASE": "{{ .Release.Name }}"}}
    deployment = k8s.named(render(FRONTEND, values), "Deployment", FULLNAME)

    assert k8s.env_of(server_container(deployment))["NEXT_PUBLIC_RELEASE"]["value"] == "catalog"


# --- the probes -----------------------------------------------------------------------------


def test_the_server_is_probed_on_the_login_page(render: Any, k8s: Any) -> None:
    # /login is a static page served without a session: 200 whenever the server is up.
    container = server_container(k8s.named(render(FRONTEND), "Deployment", FULLNAME))

    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/login", "port": "http"}, probe


def test_the_helm_test_asks_the_readiness_path_through_the_service(render: Any, k8s: Any) -> None:
    pod = k8s.named(render(FRONTEND), "Pod", f"{FULLNAME}-test-connection")
    (container,) = pod["spec"]["containers"]

    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    assert container["command"][:2] == ["node", "-e"]
    assert f'"http://{FULLNAME}:80/login"' in container["command"][2]


# --- the security context -------------------------------------------------------------------


def test_the_server_runs_as_the_non_root_user_on_a_read_only_root(render: Any, k8s: Any) -> None:
    deployment = k8s.named(render(FRONTEND), "Deployment", FULLNAME)
    pod = deployment["spec"]["template"]["spec"]
    context = server_container(deployment)["securityContext"]

    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    assert context["runAsUser"] == 10001
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["seccompProfile"] == {"type": "RuntimeDefault"}


def test_only_tmp_and_the_next_cache_are_writable_emptydirs(render: Any, k8s: Any) -> None:
    pod = k8s.named(render(FRONTEND), "Deployment", FULLNAME)["spec"]["template"]["spec"]
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    (container,) = pod["containers"]
    mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}

    assert set(mounts) == {"/tmp", "/app/.next/cache"}
    assert volumes[mounts["/tmp"]]["emptyDir"] == {"sizeLimit": "64Mi"}
    assert volumes[mounts["/app/.next/cache"]]["emptyDir"] == {"sizeLimit": "256Mi"}


def test_the_next_cache_follows_the_app_directory(render: Any, k8s: Any) -> None:
    pod = k8s.named(render(FRONTEND, {"appDir": "/srv/ui/"}), "Deployment", FULLNAME)
    (container,) = pod["spec"]["template"]["spec"]["containers"]

    assert "/srv/ui/.next/cache" in {mount["mountPath"] for mount in container["volumeMounts"]}


INSECURE_VALUES = {
    "writable root filesystem": {"securityContext": {"readOnlyRootFilesystem": False}},
    "privilege escalation": {"securityContext": {"allowPrivilegeEscalation": True}},
    "root user": {"podSecurityContext": {"runAsUser": 0}},
    "added capability": {"securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}},
    "no resource limits": {"resources": {"limits": None}},
    "relative app directory": {"appDir": "app"},
    "unknown value": {"comand": ["node", "server.js"]},
}


@pytest.mark.parametrize("values", INSECURE_VALUES.values(), ids=INSECURE_VALUES.keys())
def test_the_schema_refuses_values_that_break_a_rule(
    loaded_charts: dict[str, helm.Chart], values: dict[str, Any]
) -> None:
    with pytest.raises(helm.HelmValuesError):
        loaded_charts[FRONTEND].render(values=values, name="catalog")


def test_the_umbrella_hands_the_ui_block_to_the_ui_schema(
    loaded_charts: dict[str, helm.Chart],
) -> None:
    values = {**WITH_UI, "frontend": {"enabled": True, **INSECURE_VALUES["root user"]}}

    with pytest.raises(helm.HelmValuesError):
        loaded_charts["catalog"].render(values=values, name="catalog")


# --- Service, disruption budget, autoscaling ------------------------------------------------


def test_the_service_sends_port_80_to_the_servers_http_port(render: Any, k8s: Any) -> None:
    manifests = render(FRONTEND)
    service = k8s.named(manifests, "Service", FULLNAME)
    pod = k8s.named(manifests, "Deployment", FULLNAME)["spec"]["template"]

    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"] == [
        {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP", "appProtocol": "http"}
    ]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["selector"]["app.kubernetes.io/component"] == "web"


def test_the_disruption_budget_selects_the_server_pods(render: Any, k8s: Any) -> None:
    manifests = render(FRONTEND)
    pdb = k8s.named(manifests, "PodDisruptionBudget", FULLNAME)
    deployment = k8s.named(manifests, "Deployment", FULLNAME)

    assert pdb["spec"]["maxUnavailable"] == 1
    assert pdb["spec"]["selector"] == deployment["spec"]["selector"]
    assert (
        k8s.by_kind(
            render(FRONTEND, {"podDisruptionBudget": {"enabled": False}}), "PodDisruptionBudget"
        )
        == []
    )


def test_autoscaling_replaces_the_fixed_replica_count(render: Any, k8s: Any) -> None:
    manifests = render(FRONTEND, {"autoscaling": {"enabled": True}})
    hpa = k8s.named(manifests, "HorizontalPodAutoscaler", FULLNAME)
    deployment = k8s.named(manifests, "Deployment", FULLNAME)

    assert "replicas" not in deployment["spec"]
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": FULLNAME,
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6)
    assert k8s.by_kind(render(FRONTEND), "HorizontalPodAutoscaler") == []


# --- the umbrella ---------------------------------------------------------------------------


def test_the_umbrella_leaves_the_ui_out_and_unrouted_by_default(render: Any, k8s: Any) -> None:
    manifests = render("catalog")

    assert frontend_objects(manifests) == []
    assert "/" not in routed_prefixes(k8s.by_kind(manifests, "HTTPRoute"))


def test_the_umbrella_installs_the_ui_and_routes_the_root_to_its_service(
    render: Any, k8s: Any, route_table: dict[str, Any]
) -> None:
    manifests = render("catalog", WITH_UI)
    service = k8s.named(manifests, "Service", FULLNAME)
    routed = routed_prefixes(k8s.by_kind(manifests, "HTTPRoute"))

    k8s.named(manifests, "Deployment", FULLNAME)
    assert route_table["frontend"]["prefixes"] == ["/"]
    assert routed["/"] == (service["metadata"]["name"], service["spec"]["ports"][0]["port"])


def test_the_umbrella_routes_the_root_to_the_ui_through_an_ingress(render: Any, k8s: Any) -> None:
    manifests = render(
        "catalog", {**WITH_UI, "edge": {"mode": "ingress", "frontend": {"enabled": True}}}
    )
    (ingress,) = k8s.by_kind(manifests, "Ingress")
    (rule,) = ingress["spec"]["rules"]
    paths = {p["path"]: p["backend"]["service"] for p in rule["http"]["paths"]}

    k8s.named(manifests, "Service", FULLNAME)
    assert paths["/"] == {"name": FULLNAME, "port": {"number": 80}}


def test_the_umbrella_refuses_the_ui_without_its_route(
    loaded_charts: dict[str, helm.Chart],
) -> None:
    with pytest.raises(helm.HelmValuesError):
        loaded_charts["catalog"].render(values={"frontend": {"enabled": True}}, name="catalog")


def test_without_an_edge_the_ui_needs_no_route(render: Any, k8s: Any) -> None:
    manifests = render("catalog", {"frontend": {"enabled": True}, "edge": {"mode": "none"}})

    k8s.named(manifests, "Service", FULLNAME)
    assert k8s.by_kind(manifests, "HTTPRoute") == []


def test_the_route_alone_points_at_a_ui_installed_elsewhere(render: Any, k8s: Any) -> None:
    values = {"edge": {"frontend": {"enabled": True, "serviceName": "shared-ui"}}}
    manifests = render("catalog", values)

    assert frontend_objects(manifests) == []
    assert routed_prefixes(k8s.by_kind(manifests, "HTTPRoute"))["/"] == ("shared-ui", 80)


def test_the_umbrellas_ui_objects_are_valid_and_restricted(render: Any, k8s: Any) -> None:
    ui = frontend_objects(render("catalog", WITH_UI))

    assert {m["kind"] for m in ui} >= {"Deployment", "Service", "PodDisruptionBudget"}
    for manifest in ui:
        kubernetes_validate.validate(k8s.without_source(manifest), "1.30.0", strict=True)
    for _, pod in k8s.pod_specs(ui):
        for container in k8s.containers_of(pod):
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert {"cpu", "memory"} <= set(container["resources"]["limits"])
