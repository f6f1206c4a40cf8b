"""The store chart's own settings: the CQRS read side on MongoDB and a search engine, without
a Postgres database, a migration Job or an outbox relay; its Secret-held URLs and account
password, the write services it asks, its workers' Prometheus metrics and its saga worker.

What every service chart renders is tested in test_service_charts.py.
"""

from __future__ import annotations

from typing import Any

import helm_python as helm
import pytest

from .conftest import peer_url_cases

FULLNAME = "catalog-store"
CONSUMERS = f"{FULLNAME}-consumers"
SAGA_WORKER = f"{FULLNAME}-saga-worker"
# The write services the store asks, and the variable each one's base URL is in.
PEERS = {
    "characteristic": "CHARACTERISTIC_URL",
    "specification": "SPECIFICATION_URL",
    "pricing": "PRICING_URL",
    "offering": "OFFERING_URL",
    "identity": "IDENTITY_URL",
}
# Settings read from Secrets the chart never renders: variable -> (values block, default name).
SECRET_SETTINGS = {
    "MONGODB_URL": ("mongodb", f"{FULLNAME}-mongodb"),
    "SEARCH_URL": ("search", f"{FULLNAME}-search"),
    "CATALOG_PASSWORD": ("catalogAccount", f"{FULLNAME}-catalog-account"),
    "RABBITMQ_URL": ("rabbitmq", f"{FULLNAME}-rabbitmq"),
}
# The engine user every process gets from the library (test_service_charts.py tests it).
ENGINE_CREDENTIALS = {"CAMUNDA_USERNAME", "CAMUNDA_PASSWORD"}
# Where each worker serves its metrics and liveness (the library's `workerMetrics`).
METRICS_ENV = {"METRICS_PORT", "METRICS_ADDRESS"}
SCRAPE_ANNOTATIONS = ("prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path")


def config(manifests: list[Any], k8s: Any) -> dict[str, str]:
    data: dict[str, str] = k8s.named(manifests, "ConfigMap", FULLNAME)["data"]
    return data


def container_of(manifests: list[Any], k8s: Any, name: str) -> dict[str, Any]:
    pod = k8s.named(manifests, "Deployment", name)["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    found: dict[str, Any] = container
    return found


def pod_annotations(manifests: list[Any], k8s: Any, name: str) -> dict[str, str]:
    deployment = k8s.named(manifests, "Deployment", name)
    annotations: dict[str, str] = deployment["spec"]["template"]["metadata"]["annotations"]
    return annotations


def test_store_settings_are_in_the_config_map(render: Any, k8s: Any) -> None:
    data = config(render("store"), k8s)

    assert data["SERVICE_NAME"] == "store"
    assert data["MONGODB_DATABASE"] == "store"
    # Production runs Elasticsearch (ECK); OpenSearch is the local platform's engine.
    assert data["SEARCH_ENGINE"] == "elasticsearch"
    assert data["SEARCH_ALIAS"] == "store-offerings"
    assert data["CATALOG_USERNAME"] == "store"
    # Each worker's own container env, not the settings the API shares.
    assert not METRICS_ENV & set(data)
    for variable in SECRET_SETTINGS:
        assert variable not in data
    assert "DATABASE_URL" not in data


def test_the_search_engine_is_a_switch(render: Any, k8s: Any) -> None:
    data = config(render("store", {"search": {"engine": "opensearch", "alias": "eu"}}), k8s)

    assert data["SEARCH_ENGINE"] == "opensearch"
    assert data["SEARCH_ALIAS"] == "eu"


def test_an_unknown_search_engine_is_refused(loaded_charts: dict[str, helm.Chart]) -> None:
    with pytest.raises(helm.HelmValuesError):
        loaded_charts["store"].render(values={"search": {"engine": "solr"}}, name="catalog")


def test_every_process_reads_the_urls_and_the_password_from_existing_secrets(
    render: Any, k8s: Any
) -> None:
    manifests = render("store")

    deployments = k8s.by_kind(manifests, "Deployment")
    assert {d["metadata"]["name"] for d in deployments} == {FULLNAME, CONSUMERS, SAGA_WORKER}
    for deployment in deployments:
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        env = k8s.env_of(container)
        # The workers' metrics server beside them (plain values, no Secret).
        metrics = set() if deployment["metadata"]["name"] == FULLNAME else METRICS_ENV
        assert set(env) == set(SECRET_SETTINGS) | ENGINE_CREDENTIALS | metrics
        for variable, (_, secret) in SECRET_SETTINGS.items():
            assert env[variable]["valueFrom"]["secretKeyRef"] == {"name": secret, "key": variable}
    assert k8s.by_kind(manifests, "Secret") == []


def test_secret_names_and_keys_can_be_given(render: Any, k8s: Any) -> None:
    values = {
        block: {"existingSecret": f"given-{block.lower()}", "secretKey": "key"}
        for block, _ in SECRET_SETTINGS.values()
    }
    manifests = render("store", values)

    for name in (FULLNAME, CONSUMERS, SAGA_WORKER):
        env = k8s.env_of(container_of(manifests, k8s, name))
        for variable, (block, _) in SECRET_SETTINGS.items():
            assert env[variable]["valueFrom"]["secretKeyRef"] == {
                "name": f"given-{block.lower()}",
                "key": "key",
            }


def test_without_the_broker_the_processes_get_no_rabbitmq_url(render: Any, k8s: Any) -> None:
    manifests = render("store", {"rabbitmq": {"enabled": False}})

    env = k8s.env_of(container_of(manifests, k8s, FULLNAME))
    assert set(env) == (set(SECRET_SETTINGS) - {"RABBITMQ_URL"}) | ENGINE_CREDENTIALS


def test_no_database_no_migration_job_and_no_relay(render: Any, k8s: Any) -> None:
    manifests = render("store")

    assert k8s.by_kind(manifests, "Job") == []
    names = {m["metadata"]["name"] for m in manifests}
    assert f"{FULLNAME}-migrate" not in names
    assert f"{FULLNAME}-relay" not in names
    assert "DATABASE_URL" not in config(manifests, k8s)


def test_both_workers_serve_prometheus_metrics_on_the_consumers_port(render: Any, k8s: Any) -> None:
    manifests = render("store")

    # The consumers (the projection lag) and, now, the saga worker: both on 9106, where the
    # consumers have always been scraped.
    for name in (CONSUMERS, SAGA_WORKER):
        container = container_of(manifests, k8s, name)
        assert container["ports"] == [
            {"name": "metrics", "containerPort": 9106, "protocol": "TCP"}
        ], name
        env = k8s.env_of(container)
        assert env["METRICS_PORT"]["value"] == "9106", name
        assert env["METRICS_ADDRESS"]["value"] == "0.0.0.0", name
        assert container["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "metrics"}
        annotations = pod_annotations(manifests, k8s, name)
        assert annotations["prometheus.io/scrape"] == "true", name
        assert annotations["prometheus.io/port"] == "9106", name
        assert annotations["prometheus.io/path"] == "/metrics", name
    # The API serves /metrics on its HTTP port; it has no metrics port of its own.
    api = container_of(manifests, k8s, FULLNAME)
    assert [port["name"] for port in api["ports"]] == ["http"]
    assert not METRICS_ENV & set(k8s.env_of(api))
    assert not set(SCRAPE_ANNOTATIONS) & set(pod_annotations(manifests, k8s, FULLNAME))


def test_the_store_has_no_metrics_block_of_its_own(loaded_charts: dict[str, helm.Chart]) -> None:
    # Folded into the library's `workerMetrics`: the old block is refused, not ignored.
    with pytest.raises(helm.HelmValuesError):
        loaded_charts["store"].render(values={"metrics": {"port": 9200}}, name="catalog")


def test_switched_off_the_workers_get_no_metrics_port(render: Any, k8s: Any) -> None:
    manifests = render("store", {"workerMetrics": {"enabled": False}})

    for name in (CONSUMERS, SAGA_WORKER):
        container = container_of(manifests, k8s, name)
        assert "ports" not in container, name
        # Unset: the store's processes serve no metrics at all.
        assert not METRICS_ENV & set(k8s.env_of(container)), name
        assert "livenessProbe" not in container, name
        assert not set(SCRAPE_ANNOTATIONS) & set(pod_annotations(manifests, k8s, name))
    assert not METRICS_ENV & set(config(manifests, k8s))


def test_the_api_is_ready_only_with_its_dependencies(render: Any, k8s: Any) -> None:
    api = container_of(render("store"), k8s, FULLNAME)

    assert api["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"}
    assert "command" not in api  # the image's uvicorn on store_service's app factory


@pytest.mark.parametrize(("peer", "values", "expected"), peer_url_cases(PEERS))
def test_peer_urls_default_to_the_release_and_can_be_overridden(
    render: Any, k8s: Any, peer: str, values: dict[str, Any] | None, expected: str
) -> None:
    assert config(render("store", values), k8s)[PEERS[peer]] == expected


def test_each_peer_url_is_set_on_its_own(render: Any, k8s: Any) -> None:
    manifests = render(
        "store",
        {
            "offering": {"url": "http://offerings.example"},
            "global": {"serviceUrls": {"identity": "http://login.example"}},
        },
    )
    data = config(manifests, k8s)

    assert data["OFFERING_URL"] == "http://offerings.example"
    assert data["IDENTITY_URL"] == "http://login.example"
    assert data["PRICING_URL"] == "http://catalog-pricing"


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"search": {"engine": "opensearch"}}, id="search engine"),
        pytest.param({"mongodb": {"database": "other"}}, id="database"),
        pytest.param({"pricing": {"url": "http://own.example"}}, id="peer URL"),
    ],
)
def test_a_changed_setting_rolls_the_pods(render: Any, k8s: Any, values: dict[str, Any]) -> None:
    def checksum(values: dict[str, Any] | None) -> str:
        return pod_annotations(render("store", values), k8s, CONSUMERS)["checksum/config"]

    assert checksum(None) != checksum(values)


def test_in_the_umbrella_it_reaches_the_write_services_of_the_release(
    render: Any, k8s: Any
) -> None:
    manifests = render("catalog")
    data = config(manifests, k8s)

    for peer, variable in PEERS.items():
        service = k8s.named(manifests, "Service", f"catalog-{peer}")
        assert data[variable] == f"http://{service['metadata']['name']}"
        assert [port["port"] for port in service["spec"]["ports"]] == [80]
    k8s.named(manifests, "Deployment", CONSUMERS)
    assert data["ENVIRONMENT"] == "production"

    urls = {peer: f"http://{peer}.example" for peer in PEERS}
    overridden = config(render("catalog", {"global": {"serviceUrls": urls}}), k8s)
    for peer, variable in PEERS.items():
        assert overridden[variable] == urls[peer]


def test_the_umbrella_can_leave_the_store_out(render: Any, k8s: Any) -> None:
    manifests = render("catalog", {"store": {"enabled": False}})

    names = {m["metadata"]["name"] for m in manifests}
    assert FULLNAME not in names
    assert CONSUMERS not in names
    assert SAGA_WORKER not in names
