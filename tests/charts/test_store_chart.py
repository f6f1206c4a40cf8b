"""The store chart's own settings: the CQRS read side on MongoDB and a search engine, without
a Postgres database, a migration Job or an outbox relay; its Secret-held URLs and account
password, the write services it asks, the consumers' Prometheus metrics and its saga worker.

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
    assert data["METRICS_PORT"] == "9106"
    # The service's default (127.0.0.1) could not be scraped from outside the pod.
    assert data["METRICS_ADDRESS"] == "0.0.0.0"
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
        assert set(env) == set(SECRET_SETTINGS) | ENGINE_CREDENTIALS
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


def test_the_consumers_serve_prometheus_metrics_on_a_named_port(render: Any, k8s: Any) -> None:
    manifests = render("store")
    consumers = container_of(manifests, k8s, CONSUMERS)
    annotations = pod_annotations(manifests, k8s, CONSUMERS)

    assert consumers["command"] == ["python", "-m", "store_service.entrypoints.consumers"]
    assert consumers["ports"] == [{"name": "metrics", "containerPort": 9106, "protocol": "TCP"}]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == "9106"
    assert annotations["prometheus.io/path"] == "/metrics"
    # The API serves /metrics on its HTTP port; it has no metrics port of its own.
    api = container_of(manifests, k8s, FULLNAME)
    assert [port["name"] for port in api["ports"]] == ["http"]
    assert not set(SCRAPE_ANNOTATIONS) & set(pod_annotations(manifests, k8s, FULLNAME))
    # The saga worker serves nothing: no port, nothing to scrape.
    assert "ports" not in container_of(manifests, k8s, SAGA_WORKER)
    assert not set(SCRAPE_ANNOTATIONS) & set(pod_annotations(manifests, k8s, SAGA_WORKER))


def test_one_metrics_port_value_moves_the_setting_the_port_and_the_annotation(
    render: Any, k8s: Any
) -> None:
    manifests = render("store", {"metrics": {"port": 9200}})

    assert config(manifests, k8s)["METRICS_PORT"] == "9200"
    (port,) = container_of(manifests, k8s, CONSUMERS)["ports"]
    assert port["containerPort"] == 9200
    assert pod_annotations(manifests, k8s, CONSUMERS)["prometheus.io/port"] == "9200"


def test_metrics_and_their_annotations_can_be_switched_off(render: Any, k8s: Any) -> None:
    unannotated = render("store", {"metrics": {"scrapeAnnotations": False}})
    assert container_of(unannotated, k8s, CONSUMERS)["ports"][0]["name"] == "metrics"
    assert not set(SCRAPE_ANNOTATIONS) & set(pod_annotations(unannotated, k8s, CONSUMERS))

    off = render("store", {"metrics": {"enabled": False}})
    assert config(off, k8s)["METRICS_PORT"] == "0"
    assert "ports" not in container_of(off, k8s, CONSUMERS)
    assert not set(SCRAPE_ANNOTATIONS) & set(pod_annotations(off, k8s, CONSUMERS))


def test_the_charts_pod_annotations_win_over_the_scrape_annotations(render: Any, k8s: Any) -> None:
    manifests = render("store", {"podAnnotations": {"prometheus.io/scrape": "false", "team": "x"}})

    annotations = pod_annotations(manifests, k8s, CONSUMERS)
    assert annotations["prometheus.io/scrape"] == "false"
    assert annotations["prometheus.io/port"] == "9106"
    assert pod_annotations(manifests, k8s, FULLNAME)["team"] == "x"


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
        pytest.param({"metrics": {"port": 9200}}, id="metrics port"),
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
