"""The umbrella's edge follows files/routes.yaml: Gateway API by default, an Ingress on request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

GATEWAY_API = "gateway.networking.k8s.io/v1"
ENVOY_GATEWAY = "gateway.envoyproxy.io/v1alpha1"


def routed_paths(routes: list[Any], kind: str) -> dict[str, tuple[str, int]]:
    """path of `kind` (PathPrefix, Exact) -> (backend Service, port) over all HTTPRoutes."""
    table: dict[str, tuple[str, int]] = {}
    for route in routes:
        for rule in route["spec"]["rules"]:
            (backend,) = rule["backendRefs"]
            for match in rule["matches"]:
                assert match["path"]["type"] in {"PathPrefix", "Exact"}
                if match["path"]["type"] == kind:
                    table[match["path"]["value"]] = (backend["name"], backend["port"])
    return table


def routed_prefixes(routes: list[Any]) -> dict[str, tuple[str, int]]:
    return routed_paths(routes, "PathPrefix")


HEALTH_PATHS = ("/health", "/health/dependencies")


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

    without_services = render(
        "catalog",
        {
            **{name: {"enabled": False} for name in installed},
            "edge": {"dependencyHealth": {"enabled": False}},
        },
    )
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
    assert "catalog-dependency-health" in route_names
    rules = policy["spec"]["rateLimit"]["local"]["rules"]
    # One bucket per client address (IPv4 and IPv6), as the local edge: never one budget
    # shared by every client of a route.
    assert [rule["clientSelectors"] for rule in rules] == [
        [{"sourceCIDR": {"type": "Distinct", "value": "0.0.0.0/0"}}],
        [{"sourceCIDR": {"type": "Distinct", "value": "::/0"}}],
    ]
    for rule in rules:
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
    assert "clientIPDetection" not in client_policy["spec"]
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
    types = {p["path"]: p["pathType"] for p in rule["http"]["paths"]}
    for path in HEALTH_PATHS:
        assert paths[path] == {"name": "catalog-dependency-health", "port": {"number": 80}}
        assert types[path] == "Exact"


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


def test_the_client_address_for_rate_limits_can_come_from_a_trusted_load_balancer(
    render: Any, k8s: Any
) -> None:
    detection = {"xForwardedFor": {"numTrustedHops": 1}}
    manifests = render(
        "catalog", {"edge": {"gateway": {"envoyGateway": {"clientIPDetection": detection}}}}
    )
    (client_policy,) = k8s.by_kind(manifests, "ClientTrafficPolicy")

    assert client_policy["spec"]["clientIPDetection"] == detection


def dependency_targets(manifests: list[Any], k8s: Any) -> dict[str, str]:
    deployment = k8s.named(manifests, "Deployment", "catalog-dependency-health")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    targets = k8s.env_of(container)["DEPENDENCY_TARGETS"]["value"]
    return dict(item.split("=", 1) for item in targets.split(","))


def test_the_dependency_health_asks_every_installed_service_for_its_readiness(
    render: Any, k8s: Any, route_table: dict[str, Any], charts_dir: Path
) -> None:
    manifests = render("catalog")
    deployment = k8s.named(manifests, "Deployment", "catalog-dependency-health")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    identity = k8s.named(manifests, "Deployment", "catalog-identity")
    (identity_api,) = identity["spec"]["template"]["spec"]["containers"]
    service = k8s.named(manifests, "Service", "catalog-dependency-health")

    assert dependency_targets(manifests, k8s) == {
        name: f"http://catalog-{name}.catalog.svc:80/health/ready"
        for name in installed_services(charts_dir, route_table)
    }
    assert container["command"] == ["python", "-m", "catalog_chassis.dependency_health"]
    # Every service image carries the chassis: by default it runs from identity's.
    assert container["image"] == identity_api["image"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health"
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http"}]

    without_pricing = render("catalog", {"pricing": {"enabled": False}})
    assert "pricing" not in dependency_targets(without_pricing, k8s)
    own_image = render(
        "catalog",
        {"edge": {"dependencyHealth": {"image": {"repository": "ops/health", "tag": "1.2"}}}},
    )
    deployment = k8s.named(own_image, "Deployment", "catalog-dependency-health")
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "ops/health:1.2"


def test_the_gateway_routes_the_health_paths_exactly_to_the_dependency_health(
    render: Any, k8s: Any
) -> None:
    routes = k8s.by_kind(render("catalog"), "HTTPRoute")
    exact = routed_paths(routes, "Exact")

    assert exact == {path: ("catalog-dependency-health", 80) for path in HEALTH_PATHS}


def test_the_nginx_edge_proxies_dependency_health_to_its_service(render: Any, k8s: Any) -> None:
    def location(manifests: list[Any]) -> str:
        conf = k8s.named(manifests, "ConfigMap", "catalog-edge")["data"]["nginx.conf"]
        start = conf.index("location = /health/dependencies {")
        return conf[start : conf.index("}", start)]

    nginx = {"mode": "nginx", "frontend": {"enabled": True}}
    on = location(render("catalog", {"edge": nginx}))
    off = location(render("catalog", {"edge": {**nginx, "dependencyHealth": {"enabled": False}}}))

    assert "proxy_pass http://catalog-dependency-health.catalog.svc:80;" in on
    # Without it the path meets a closed port: the edge's 503 problem, as for a missing service.
    assert "proxy_pass http://127.0.0.1:9;" in off


def test_the_nginx_edge_samples_its_share_of_the_traces_it_starts(render: Any, k8s: Any) -> None:
    def flags(percent: float) -> str:
        edge = {"mode": "nginx", "nginx": {"traceSamplePercent": percent}}
        conf = k8s.named(render("catalog", {"edge": edge}), "ConfigMap", "catalog-edge")
        text = conf["data"]["nginx.conf"]
        return text[text.index("W3C trace context") : text.index("$minted_traceparent {")]

    tenth = flags(10)
    every = flags(100)

    assert 'split_clients "${request_id}" $trace_flags' in tenth
    assert "10% 01;" in tenth
    assert "* 00;" in tenth
    assert "split_clients" not in every
    assert "default 01;" in every


def test_the_services_follow_the_umbrellas_sampler(render: Any, k8s: Any) -> None:
    otel = {"tracesSampler": "parentbased_always_on", "tracesSamplerArg": "1"}
    manifests = render("catalog", {"global": {"otel": otel}})
    configs = [
        m["data"]
        for m in k8s.by_kind(manifests, "ConfigMap")
        if "OTEL_SERVICE_NAME" in m.get("data", {})
    ]

    assert configs
    assert {c["OTEL_TRACES_SAMPLER"] for c in configs} == {"parentbased_always_on"}
    assert {c["OTEL_TRACES_SAMPLER_ARG"] for c in configs} == {"1"}


def test_no_dependency_health_without_an_edge(render: Any, k8s: Any) -> None:
    for values in ({"edge": {"mode": "none"}}, {"edge": {"dependencyHealth": {"enabled": False}}}):
        manifests = render("catalog", values)
        names = {m["metadata"]["name"] for m in manifests}
        assert "catalog-dependency-health" not in names, values
