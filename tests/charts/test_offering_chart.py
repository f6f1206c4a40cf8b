"""The offering chart's own settings: where it asks for specifications and prices when its
event-fed caches miss (SPECIFICATION_URL, PRICING_URL), and its worker processes; its API
starts the publication saga, so it gets the process engine like the saga worker.

What every service chart renders is tested in test_service_charts.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import peer_url_cases

FULLNAME = "catalog-offering"
# The peer services the offering service asks, and the variable each one's base URL is in.
PEERS = {
    "specification": "SPECIFICATION_URL",
    "pricing": "PRICING_URL",
}


def peer_url(manifests: list[Any], k8s: Any, peer: str) -> str:
    url: str = k8s.named(manifests, "ConfigMap", FULLNAME)["data"][PEERS[peer]]
    return url


@pytest.mark.parametrize(("peer", "values", "expected"), peer_url_cases(PEERS))
def test_peer_urls_default_to_the_release_and_can_be_overridden(
    render: Any, k8s: Any, peer: str, values: dict[str, Any] | None, expected: str
) -> None:
    assert peer_url(render("offering", values), k8s, peer) == expected


def test_each_peer_url_is_set_on_its_own(render: Any, k8s: Any) -> None:
    manifests = render(
        "offering",
        {
            "specification": {"url": "http://specs.example"},
            "global": {"serviceUrls": {"pricing": "http://prices.example"}},
        },
    )

    assert peer_url(manifests, k8s, "specification") == "http://specs.example"
    assert peer_url(manifests, k8s, "pricing") == "http://prices.example"


def test_every_process_and_the_migration_job_get_the_peer_urls(render: Any, k8s: Any) -> None:
    manifests = render(
        "offering",
        {
            "specification": {"url": "http://specs.example"},
            "pricing": {"url": "http://prices.example"},
        },
    )
    (job,) = k8s.by_kind(manifests, "Job")
    (migrate,) = job["spec"]["template"]["spec"]["containers"]

    env = k8s.env_of(migrate)
    assert env["SPECIFICATION_URL"]["value"] == "http://specs.example"
    assert env["PRICING_URL"]["value"] == "http://prices.example"
    for deployment in k8s.by_kind(manifests, "Deployment"):
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["envFrom"] == [{"configMapRef": {"name": FULLNAME}}]


def test_in_the_umbrella_it_reaches_the_specification_and_pricing_services_of_the_release(
    render: Any, k8s: Any
) -> None:
    manifests = render("catalog")

    for peer in PEERS:
        service = k8s.named(manifests, "Service", f"catalog-{peer}")
        assert peer_url(manifests, k8s, peer) == f"http://{service['metadata']['name']}"
        assert [port["port"] for port in service["spec"]["ports"]] == [80]
    overridden = render(
        "catalog",
        {
            "global": {
                "serviceUrls": {
                    "specification": "http://specs.example",
                    "pricing": "http://prices.example",
                }
            }
        },
    )
    assert peer_url(overridden, k8s, "specification") == "http://specs.example"
    assert peer_url(overridden, k8s, "pricing") == "http://prices.example"


@pytest.mark.parametrize("peer", PEERS)
def test_a_changed_peer_url_rolls_the_pods(render: Any, k8s: Any, peer: str) -> None:
    def checksum(values: dict[str, Any] | None) -> str:
        deployment = k8s.named(render("offering", values), "Deployment", FULLNAME)
        annotations: dict[str, str] = deployment["spec"]["template"]["metadata"]["annotations"]
        return annotations["checksum/config"]

    assert checksum(None) != checksum({peer: {"url": "http://own.example"}})


def test_the_relay_the_consumers_and_the_saga_worker_run_as_their_own_deployments(
    render: Any, k8s: Any
) -> None:
    manifests = render("offering")

    commands = {
        "relay": ["python", "-m", "offering_service.entrypoints.relay"],
        "consumers": ["python", "-m", "offering_service.entrypoints.consumers"],
        "saga-worker": ["python", "-m", "offering_service.entrypoints.saga_worker"],
    }
    for process, command in commands.items():
        worker = k8s.named(manifests, "Deployment", f"{FULLNAME}-{process}")
        (container,) = worker["spec"]["template"]["spec"]["containers"]
        assert container["command"] == command
        assert worker["metadata"]["labels"]["app.kubernetes.io/component"] == process
    lean = render("offering", {"workers": {"consumers": {"enabled": False}}})
    names = [d["metadata"]["name"] for d in k8s.by_kind(lean, "Deployment")]
    assert f"{FULLNAME}-consumers" not in names
    assert f"{FULLNAME}-relay" in names


def test_the_api_starts_sagas_with_the_engine_url_and_user(render: Any, k8s: Any) -> None:
    manifests = render("offering", {"processEngine": {"existingSecret": "offering-engine"}})
    (api,) = k8s.named(manifests, "Deployment", FULLNAME)["spec"]["template"]["spec"]["containers"]

    env = k8s.env_of(api)
    for variable in ("CAMUNDA_USERNAME", "CAMUNDA_PASSWORD"):
        assert env[variable]["valueFrom"]["secretKeyRef"]["name"] == "offering-engine"
    data = k8s.named(manifests, "ConfigMap", FULLNAME)["data"]
    assert data["CAMUNDA_URL"] == "http://catalog-camunda:8080/engine-rest"
