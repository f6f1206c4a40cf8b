"""The umbrella as the local kind cluster installs it (k8s/values/catalog-kind.yaml) and the
local infrastructure chart: what `make deploy` provides is what they reference."""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO, Render, load_yaml
from .test_crds import validator_for

if str(REPO) not in sys.path:  # dev/ is imported from the repository root
    sys.path.insert(0, str(REPO))

from dev.localcluster import cli, images, kind, secrets

KIND_VALUES = REPO / "k8s" / "values" / "catalog-kind.yaml"


@pytest.fixture
def kind_platform(render: Render) -> list[dict[str, Any]]:
    return render("catalog", load_yaml(KIND_VALUES))


@pytest.fixture
def local_infra(render: Render) -> list[dict[str, Any]]:
    return render("local-infra")


def _pod_specs(manifests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    specs = []
    for manifest in manifests:
        if manifest["kind"] in ("Deployment", "Job"):
            specs.append(manifest["spec"]["template"]["spec"])
        elif manifest["kind"] == "Pod":
            specs.append(manifest["spec"])
    return specs


def referenced_secrets(manifests: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Secret name -> the keys the pods (and the operator, for a ProcessDefinition) read."""
    wanted: dict[str, set[str]] = {}
    for manifest in manifests:
        if manifest["kind"] == "ProcessDefinition":
            ref = manifest["spec"]["engine"]["credentialsSecret"]
            wanted.setdefault(ref["name"], set()).update({ref["usernameKey"], ref["passwordKey"]})
    for spec in _pod_specs(manifests):
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            for variable in container.get("env", []):
                ref = variable.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    wanted.setdefault(ref["name"], set()).add(ref["key"])
        for volume in spec.get("volumes", []):
            secret = volume.get("secret")
            if secret:
                keys = {item["key"] for item in secret.get("items", [])}
                wanted.setdefault(secret["secretName"], set()).update(keys)
    return wanted


def test_the_bootstrap_step_creates_every_secret_both_releases_read(
    kind_platform, local_infra, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CATALOG_SECRETS_DIR", str(tmp_path))
    created = {
        item["metadata"]["name"]: set(item["data"])
        for item in secrets.secret_objects("test", "catalog")
    }
    wanted = referenced_secrets(kind_platform) | referenced_secrets(local_infra)

    assert wanted
    for name, keys in wanted.items():
        assert name in created, f"no Secret {name}"
        assert keys <= created[name], f"{name} lacks {keys - created[name]}"


def test_generated_passwords_are_kept_for_the_next_deploy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CATALOG_SECRETS_DIR", str(tmp_path))

    first = secrets.secret_objects("test", "catalog")
    second = secrets.secret_objects("test", "catalog")
    assert first == second
    assert (tmp_path / "kind-test").is_dir()
    secrets.forget("test")
    assert secrets.secret_objects("test", "catalog") != first


def test_the_cluster_postgres_gives_ferretdb_its_equality_indexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CATALOG_SECRETS_DIR", str(tmp_path))
    postgres = next(
        item
        for item in secrets.secret_objects("test", "catalog")
        if item["metadata"]["name"] == "local-infra-postgres"
    )
    script = base64.b64decode(postgres["data"]["roles.sql"]).decode()

    # After the roles and databases, in FerretDB's database (ADR 14).
    assert script.index("\\connect ferretdb\n") > script.index("CREATE DATABASE")
    assert "CREATE EVENT TRIGGER catalog_equality_indexes" in script


def test_every_image_of_the_kind_cluster_is_one_make_images_builds(kind_platform, local_infra):
    repositories = {image.repository for image in images.IMAGES}
    used = {
        container["image"].rsplit(":", 1)[0]
        for spec in _pod_specs([*kind_platform, *local_infra])
        for container in [*spec.get("initContainers", []), *spec["containers"]]
    }

    assert used
    assert used <= repositories, used - repositories


def test_the_nginx_edge_proxies_to_the_services_the_release_creates(kind_platform) -> None:
    services = {
        manifest["metadata"]["name"]: {port["port"] for port in manifest["spec"]["ports"]}
        for manifest in kind_platform
        if manifest["kind"] == "Service"
    }
    (config_map,) = [
        m
        for m in kind_platform
        if m["kind"] == "ConfigMap" and m["metadata"]["name"] == "catalog-edge"
    ]
    upstreams = re.findall(r"server ([\w.-]+):(\d+) max_fails=0;", config_map["data"]["nginx.conf"])

    assert len(upstreams) == 7  # six services and the UI
    for host, port in upstreams:
        name = host.removesuffix(".catalog.svc")
        assert name in services, host
        assert int(port) in services[name], host
    (edge,) = [
        m
        for m in kind_platform
        if m["kind"] == "Service" and m["metadata"]["name"] == "catalog-edge"
    ]
    assert edge["spec"]["type"] == "NodePort"
    assert edge["spec"]["ports"][0]["nodePort"] == 30080


def test_a_service_the_release_does_not_install_answers_503_at_the_edge(render: Render) -> None:
    values = load_yaml(KIND_VALUES)
    values["store"] = {**values["store"], "enabled": False}
    manifests = render("catalog", values)
    (config_map,) = [
        m for m in manifests if m["kind"] == "ConfigMap" and m["metadata"]["name"] == "catalog-edge"
    ]
    conf = config_map["data"]["nginx.conf"]

    store = re.search(r"upstream route_store \{\n\s*server ([^ ]+) ", conf)
    assert store is not None
    assert store.group(1) == "127.0.0.1:9"  # nothing listens: 502, answered as a 503 problem


def test_every_database_of_the_kind_cluster_is_migrated_by_the_operator(
    kind_platform, render: Render, k8s
):
    crds = {
        m["spec"]["names"]["kind"]: m
        for m in render("catalog-crds")
        if m["kind"] == "CustomResourceDefinition"
    }
    migrations = [m for m in kind_platform if m["kind"] == "DatabaseMigration"]
    hook_jobs = [
        m["metadata"]["name"]
        for m in kind_platform
        if m["kind"] == "Job" and m["metadata"]["name"].endswith("-migrate")
    ]

    assert {m["spec"]["service"] for m in migrations} == {
        "identity",
        "characteristic",
        "specification",
        "pricing",
        "offering",
    }
    assert hook_jobs == []
    for migration in migrations:
        validator_for(crds, migration).validate(k8s.without_source(migration))


def test_a_background_preparation_leaves_a_first_tooling_build_to_the_cluster_tier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On a machine that has never built kind, kubectl, helm and the node image, `make test`'s
    # background `prepare --if-cached` must not compile them beside the other tiers.
    started: list[str] = []
    monkeypatch.setattr(kind, "tooling_cached", lambda: False)
    monkeypatch.setattr(kind, "up", lambda fresh: started.append(f"up fresh={fresh}"))
    monkeypatch.setattr(cli.deploy, "load_images", lambda: started.append("images") or {})

    assert cli.main(["prepare", "--if-cached"]) == 0
    assert started == []
    # Asked for outright (or once the tooling is cached), it prepares.
    assert cli.main(["prepare"]) == 0
    assert cli.main(["prepare", "--fresh"]) == 0
    assert started == ["up fresh=False", "images", "up fresh=True", "images"]


def test_no_probe_or_request_of_the_kind_cluster_is_sized_for_an_idle_node(
    kind_platform, local_infra
) -> None:
    # Two cores carry the whole platform and its tests: a probe that gives up after a second
    # takes a busy single replica out of its Service (503s at the edge, migrations that cannot
    # reach Postgres), and init containers that ask for more CPU than the services leave pods
    # Pending.
    for spec in _pod_specs([*kind_platform, *local_infra]):
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            requested = container.get("resources", {}).get("requests", {}).get("cpu", "0m")
            assert requested.endswith("m") and int(requested[:-1]) <= 25, container["name"]
            for probe in ("readinessProbe", "livenessProbe"):
                if probe in container and "exec" in container[probe] | {}:
                    assert container[probe]["timeoutSeconds"] >= 5, container["name"]
    apis = [
        container
        for spec in _pod_specs(kind_platform)
        for container in spec["containers"]
        if container["name"] in ("api", "frontend")
    ]
    assert len(apis) == 7  # six services and the UI
    for api in apis:
        for probe in ("readinessProbe", "livenessProbe"):
            assert api[probe]["timeoutSeconds"] >= 5, (api["name"], probe)
            assert api[probe]["timeoutSeconds"] * api[probe]["failureThreshold"] >= 30
    infra_probes = [
        container[probe]
        for spec in _pod_specs(local_infra)
        for container in spec["containers"]
        for probe in ("readinessProbe", "startupProbe")
    ]
    assert infra_probes and all(probe["timeoutSeconds"] >= 5 for probe in infra_probes)


def test_the_edge_retires_its_connections_to_a_pod_before_the_pod_stops(kind_platform) -> None:
    # A pod told to stop serves for its preStop pause while it leaves the Service, then
    # closes its connections; the edge's connections to it must be gone by then (a request
    # sent on one as it closes fails, and a POST is never replayed).
    (config_map,) = [
        m
        for m in kind_platform
        if m["kind"] == "ConfigMap" and m["metadata"]["name"] == "catalog-edge"
    ]
    lifetimes = {
        int(seconds)
        for seconds in re.findall(r"keepalive_time (\d+)s;", config_map["data"]["nginx.conf"])
    }
    pauses = {
        container["lifecycle"]["preStop"]["sleep"]["seconds"]
        for spec in _pod_specs(kind_platform)
        for container in spec["containers"]
        if container["name"] == "api"
    }

    assert len(re.findall(r"keepalive_time \d+s;", config_map["data"]["nginx.conf"])) == 7
    assert lifetimes and pauses
    assert max(lifetimes) + 1 < min(pauses)
