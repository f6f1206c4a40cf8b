"""The umbrella's edge follows files/routes.yaml: Gateway API by default, an Ingress on request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

GATEWAY_API = "gateway.networking.k8s.io/v1"
ENVOY_GATEWAY = "gateway.envoyproxy.io/v1alpha1"


def routed_prefixes(routes: list[Any]) -> dict[str, tuple[str, int]]:
    """path prefix -> (backend Service, port) over all HTTPRoutes."""
    table: dict[str, tuple[str, int]] = {}
    for route in routes:
        for rule in route["spec"]["rules"]:
            (backend,) = rule["backendRefs"]
            for match in rule["matches"]:
                assert match["path"]["type"] == "PathPrefix"
                table[match["path"]["value"]] = (backend["name"], backend["port"])
    return table


def installed_services(charts_dir: Path, route_table: dict[str, Any]) -> set[str]:
    """The routed services the umbrella installs by default."""
    values = yaml.safe_load((charts_dir / "catalog" / "values.yaml").read_text())
    return {name for name in route_table["services"] if values.get(name, {}).get("enabled")}


def test_the_umbrella_installs_every_service_with_a_chart(
    charts_dir: Path, route_table: dict[str, Any]
) -> None:
    assert installed_services(charts_dir, route_table) == {
        "identity",
        "characteristic",
        "specification",
        "pricing",
        "offering",
        "store",
    }


def test_every_route_of_an_installed_service_reaches_its_service(
    render: Any, k8s: Any, route_table: dict[str, Any], charts_dir: Path
) -> None:
    manifests = render("catalog")
    services = {s["metadata"]["name"]: s for s in k8s.by_kind(manifests, "Service")}
    routed = routed_prefixes(k8s.by_kind(manifests, "HTTPRoute"))

    for name in installed_services(charts_dir, route_table):
        prefixes = route_table["services"][name]["prefixes"]
        assert prefixes, name
        for prefix in prefixes:
            service_name, port = routed[prefix]
            assert service_name == f"catalog-{name}"
            assert port in [p["port"] for p in services[service_name]["spec"]["ports"]]


def test_only_installed_services_are_routed(
    render: Any, k8s: Any, route_table: dict[str, Any], charts_dir: Path
) -> None:
    routed = routed_prefixes(k8s.by_kind(render("catalog"), "HTTPRoute"))
    installed = installed_services(charts_dir, route_table)

    for name, route in route_table["services"].items():
        for prefix in route["prefixes"]:
            assert (prefix in routed) == (name in installed), prefix

    without_pricing = render("catalog", {"pricing": {"enabled": False}})
    routed = routed_prefixes(k8s.by_kind(without_pricing, "HTTPRoute"))
    assert not set(route_table["services"]["pricing"]["prefixes"]) & set(routed)
    assert "catalog-pricing" not in [
        d["metadata"]["name"] for d in k8s.by_kind(without_pricing, "Deployment")
    ]

    without_services = render("catalog", {name: {"enabled": False} for name in installed})
    assert k8s.by_kind(without_services, "HTTPRoute") == []
    assert k8s.by_kind(without_services, "Deployment") == []


def test_routes_attach_to_the_release_gateway_with_the_table_timeouts(
    render: Any, k8s: Any, route_table: dict[str, Any]
) -> None:
    manifests = render("catalog")
    (gateway,) = k8s.by_kind(manifests, "Gateway")
    timeouts = route_table["edge"]["timeouts"]

    assert gateway["apiVersion"] == GATEWAY_API
    for route in k8s.by_kind(manifests, "HTTPRoute"):
        assert route["apiVersion"] == GATEWAY_API
        assert route["spec"]["parentRefs"] == [{"name": gateway["metadata"]["name"]}]
        for rule in route["spec"]["rules"]:
            assert rule["timeouts"]["backendRequest"] == f"{timeouts['readSeconds']}s"


def test_envoy_gateway_rate_limits_every_route_with_the_table_limit(
    render: Any, k8s: Any, route_table: dict[str, Any]
) -> None:
    manifests = render("catalog")
    (policy,) = k8s.by_kind(manifests, "BackendTrafficPolicy")
    route_names = {r["metadata"]["name"] for r in k8s.by_kind(manifests, "HTTPRoute")}

    assert policy["apiVersion"] == ENVOY_GATEWAY
    assert {ref["name"] for ref in policy["spec"]["targetRefs"]} == route_names
    (rule,) = policy["spec"]["rateLimit"]["local"]["rules"]
    assert rule["limit"] == {
        "requests": route_table["edge"]["rateLimit"]["requestsPerSecond"],
        "unit": "Second",
    }
    connect = route_table["edge"]["timeouts"]["connectSeconds"]
    assert policy["spec"]["timeout"]["tcp"]["connectTimeout"] == f"{connect}s"


def test_correlation_id_is_the_clients_or_the_generated_request_id(render: Any, k8s: Any) -> None:
    manifests = render("catalog")
    (client_policy,) = k8s.by_kind(manifests, "ClientTrafficPolicy")

    assert client_policy["spec"]["headers"]["requestID"] == "PreserveOrGenerate"
    for route in k8s.by_kind(manifests, "HTTPRoute"):
        for rule in route["spec"]["rules"]:
            (header_filter,) = rule["filters"]
            assert header_filter["requestHeaderModifier"]["set"] == [
                {"name": "X-Correlation-ID", "value": "%REQ(X-Correlation-ID?X-Request-ID)%"}
            ]


def test_routes_can_join_an_existing_gateway_of_another_controller(render: Any, k8s: Any) -> None:
    manifests = render(
        "catalog",
        {
            "edge": {
                "gateway": {
                    "create": False,
                    "existingGateway": {"name": "shared", "namespace": "gateway-system"},
                    "envoyGateway": {"enabled": False},
                }
            }
        },
    )

    assert k8s.by_kind(manifests, "Gateway") == []
    assert [m for m in manifests if m["apiVersion"] == ENVOY_GATEWAY] == []
    for route in k8s.by_kind(manifests, "HTTPRoute"):
        assert route["spec"]["parentRefs"] == [{"name": "shared", "namespace": "gateway-system"}]
        assert all("filters" not in rule for rule in route["spec"]["rules"])


def test_ingress_variant_replaces_the_gateway_api_objects(
    render: Any, k8s: Any, route_table: dict[str, Any], charts_dir: Path
) -> None:
    manifests = render(
        "catalog",
        {
            "edge": {
                "mode": "ingress",
                "hostnames": ["catalog.example.com"],
                "ingress": {"className": "traefik"},
            }
        },
    )
    (ingress,) = k8s.by_kind(manifests, "Ingress")
    (rule,) = ingress["spec"]["rules"]
    paths = {p["path"]: p["backend"]["service"] for p in rule["http"]["paths"]}

    assert [m for m in manifests if m["apiVersion"].startswith("gateway.")] == []
    assert ingress["apiVersion"] == "networking.k8s.io/v1"
    assert ingress["spec"]["ingressClassName"] == "traefik"
    assert rule["host"] == "catalog.example.com"
    for name in installed_services(charts_dir, route_table):
        for prefix in route_table["services"][name]["prefixes"]:
            assert paths[prefix] == {"name": f"catalog-{name}", "port": {"number": 80}}


def test_the_ui_is_routed_at_the_root_when_enabled(
    render: Any, k8s: Any, route_table: dict[str, Any]
) -> None:
    manifests = render("catalog", {"edge": {"frontend": {"enabled": True}}})
    routed = routed_prefixes(k8s.by_kind(manifests, "HTTPRoute"))

    for prefix in route_table["frontend"]["prefixes"]:
        assert routed[prefix] == ("catalog-frontend", 80)


def test_no_edge_mode_renders_no_edge(render: Any, k8s: Any) -> None:
    manifests = render("catalog", {"edge": {"mode": "none"}})

    assert [
        m for m in manifests if m["metadata"]["labels"].get("app.kubernetes.io/component") == "edge"
    ] == []
