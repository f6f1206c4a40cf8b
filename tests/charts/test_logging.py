"""The platform's logs in a cluster (`logging.enabled`): a collector DaemonSet ships every pod's
JSON lines to Elasticsearch, and the Kibana objects name fields those lines really carry."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from catalog_chassis.logging import ServiceJsonFormatter

from . import test_security
from .conftest import CHARTS, NAMESPACE, RELEASE, UMBRELLA, Manifests, Render

NDJSON = CHARTS / UMBRELLA / "files" / "kibana" / "catalog-logs.ndjson"
COLLECTOR = f"{RELEASE}-logs-collector"
ENDPOINT = "https://logs-es.example:9200"
SECRET_NAME = "logs-writer"

LOGGING_VALUES: dict[str, Any] = {
    "logging": {
        "enabled": True,
        "elasticsearch": {"endpoint": ENDPOINT, "existingSecret": SECRET_NAME},
    }
}

# The document field the elasticsearch exporter writes the record time to (mapping mode
# `raw`, like `none`): what the Kibana data view must filter on.
EXPORTER_TIME_FIELD = "@timestamp"


class WithDaemonSets(Manifests):
    """The `k8s` queries, with DaemonSets' pods counted too (the shared ones count Deployments,
    Jobs and Pods), so the security rules of test_security apply to the collector."""

    @staticmethod
    def pod_specs(manifests: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Any]]:
        yield from Manifests.pod_specs(manifests)
        for manifest in manifests:
            if manifest["kind"] == "DaemonSet":
                yield manifest, manifest["spec"]["template"]["spec"]


@pytest.fixture
def logging_release(render: Render) -> list[dict[str, Any]]:
    return render(UMBRELLA, LOGGING_VALUES)


def collector_config(manifests: list[dict[str, Any]], k8s: Any) -> dict[str, Any]:
    config_map = k8s.named(manifests, "ConfigMap", COLLECTOR)
    config: dict[str, Any] = yaml.safe_load(config_map["data"]["config.yaml"])
    return config


def saved_objects() -> list[dict[str, Any]]:
    return [json.loads(line) for line in NDJSON.read_text().splitlines()]


def a_service_log_line() -> dict[str, Any]:
    """A line as the services write it: the chassis formatter on a real record."""
    record = logging.LogRecord(
        "catalog.pricing", logging.INFO, __file__, 1, "price set", None, None
    )
    line: dict[str, Any] = json.loads(ServiceJsonFormatter("pricing").format(record))
    return line


def test_logging_is_off_by_default(render: Render) -> None:
    sources = [manifest["_source"] for manifest in render(UMBRELLA)]

    assert not [source for source in sources if "/templates/logging/" in source]


def test_the_collector_runs_on_every_node_reading_pod_logs_read_only(
    logging_release: list[dict[str, Any]], k8s: Any
) -> None:
    daemon_set = k8s.named(logging_release, "DaemonSet", COLLECTOR)
    pod = daemon_set["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mounts = {mount["mountPath"]: mount for mount in container["volumeMounts"]}

    assert container["image"].startswith("otel/opentelemetry-collector-contrib:")
    assert mounts["/var/log/pods"]["readOnly"] is True
    assert volumes[mounts["/var/log/pods"]["name"]]["hostPath"]["path"] == "/var/log/pods"
    assert container["livenessProbe"]["httpGet"]["port"] == "health"
    assert {"name": "health", "containerPort": 13133, "protocol": "TCP"} in container["ports"]
    annotations = daemon_set["spec"]["template"]["metadata"]["annotations"]
    assert annotations["checksum/config"]
    assert pod["serviceAccountName"] == COLLECTOR
    account = k8s.named(logging_release, "ServiceAccount", COLLECTOR)
    assert account["automountServiceAccountToken"] is False


def test_the_collector_pipeline_ships_the_namespace_logs_to_elasticsearch(
    logging_release: list[dict[str, Any]], k8s: Any
) -> None:
    config = collector_config(logging_release, k8s)
    pipeline = config["service"]["pipelines"]["logs"]
    filelog = config["receivers"]["filelog"]
    operators = [operator["type"] for operator in filelog["operators"]]
    exporter = config["exporters"]["elasticsearch"]

    assert pipeline["receivers"] == ["filelog"]
    assert pipeline["processors"][-1] == "batch"
    assert pipeline["exporters"] == ["elasticsearch"]
    assert filelog["include"] == [f"/var/log/pods/{NAMESPACE}_*/*/*.log"]
    assert filelog["include_file_path"] is True
    assert operators[:2] == ["container", "json_parser"]
    json_parser = filelog["operators"][1]
    assert (json_parser["parse_from"], json_parser["parse_to"]) == ("body", "attributes")
    time_fields = {
        operator["parse_from"]
        for operator in filelog["operators"]
        if operator["type"] == "time_parser"
    }
    assert time_fields == {"attributes.timestamp", "attributes.time"}
    assert exporter["endpoint"] == ENDPOINT
    assert exporter["logs_index"] == "catalog-logs"
    assert exporter["mapping"]["mode"] == "raw"
    assert "health_check" in config["service"]["extensions"]
    assert config["extensions"]["health_check"]["endpoint"].endswith(":13133")


def test_the_endpoint_is_templated(render: Render, k8s: Any) -> None:
    values = {
        "logging": {
            "enabled": True,
            "elasticsearch": {"endpoint": "https://{{ .Release.Name }}-es-http:9200"},
        }
    }

    exporter = collector_config(render(UMBRELLA, values), k8s)["exporters"]["elasticsearch"]

    assert exporter["endpoint"] == f"https://{RELEASE}-es-http:9200"
    assert "user" not in exporter and "password" not in exporter


def test_credentials_come_from_the_existing_secret_never_inline(
    logging_release: list[dict[str, Any]], k8s: Any
) -> None:
    config_map = k8s.named(logging_release, "ConfigMap", COLLECTOR)
    exporter = collector_config(logging_release, k8s)["exporters"]["elasticsearch"]
    daemon_set = k8s.named(logging_release, "DaemonSet", COLLECTOR)
    (container,) = daemon_set["spec"]["template"]["spec"]["containers"]
    env = k8s.env_of(container)

    assert exporter["user"] == "${env:ELASTICSEARCH_USERNAME}"
    assert exporter["password"] == "${env:ELASTICSEARCH_PASSWORD}"
    for variable, key in (
        ("ELASTICSEARCH_USERNAME", "username"),
        ("ELASTICSEARCH_PASSWORD", "password"),
    ):
        assert env[variable]["valueFrom"]["secretKeyRef"] == {"name": SECRET_NAME, "key": key}
    assert SECRET_NAME not in config_map["data"]["config.yaml"]
    assert k8s.by_kind(logging_release, "Secret") == []


def test_logging_needs_an_endpoint(render: Render) -> None:
    with pytest.raises(Exception, match="endpoint"):
        render(UMBRELLA, {"logging": {"enabled": True}})


def test_the_collector_runs_restricted_as_every_pod(logging_release: list[dict[str, Any]]) -> None:
    k8s = WithDaemonSets()
    assert any(manifest["kind"] == "DaemonSet" for manifest, _ in k8s.pod_specs(logging_release))

    test_security.test_every_container_runs_restricted(logging_release, k8s)
    test_security.test_every_container_has_resource_requests_and_limits(logging_release, k8s)
    test_security.test_pods_get_no_service_account_token(logging_release, k8s)
    test_security.test_only_tmp_is_writable(logging_release, k8s)
    test_security.test_no_secret_is_rendered_and_secret_settings_come_from_secret_refs(
        logging_release, k8s
    )


def test_the_kibana_objects_are_rendered_for_import(
    logging_release: list[dict[str, Any]], k8s: Any
) -> None:
    config_map = k8s.named(logging_release, "ConfigMap", f"{RELEASE}-kibana-objects")

    assert config_map["data"]["catalog-logs.ndjson"].strip() == NDJSON.read_text().strip()


def test_the_ndjson_holds_one_saved_object_per_line() -> None:
    lines = NDJSON.read_text().splitlines()

    assert lines
    for line in lines:
        saved_object = json.loads(line)
        assert {"id", "type", "attributes"} <= set(saved_object), line
        assert saved_object["id"] and saved_object["attributes"]


def test_the_saved_search_reads_the_data_view_by_id() -> None:
    objects = saved_objects()
    (data_view,) = [o for o in objects if o["type"] == "index-pattern"]
    (search,) = [o for o in objects if o["type"] == "search"]
    source = json.loads(search["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
    (reference,) = search["references"]

    assert data_view["attributes"]["title"] == "catalog-logs*"
    assert search["attributes"]["title"] == "Requests by correlation id"
    assert source["query"] == {"query": "correlation_id : *", "language": "kuery"}
    assert reference == {
        "id": data_view["id"],
        "type": "index-pattern",
        "name": source["indexRefName"],
    }


def test_the_kibana_objects_name_fields_the_documents_carry(
    logging_release: list[dict[str, Any]], k8s: Any
) -> None:
    objects = saved_objects()
    (data_view,) = [o for o in objects if o["type"] == "index-pattern"]
    (search,) = [o for o in objects if o["type"] == "search"]
    source = json.loads(search["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
    query_field = source["query"]["query"].split(":")[0].strip()
    # What a document in Elasticsearch carries: the exporter's time field and, in its raw
    # mapping mode, the line's JSON keys as they are (the collector parses them to attributes).
    exporter = collector_config(logging_release, k8s)["exporters"]["elasticsearch"]
    assert exporter["mapping"]["mode"] == "raw"
    document_fields = {EXPORTER_TIME_FIELD, *a_service_log_line()}

    assert data_view["attributes"]["timeFieldName"] == EXPORTER_TIME_FIELD
    assert search["attributes"]["columns"] == [
        "service",
        "level",
        "message",
        "correlation_id",
        "trace_id",
    ]
    assert set(search["attributes"]["columns"]) <= document_fields
    assert query_field in document_fields
    for field, _order in search["attributes"]["sort"]:
        assert field in document_fields
    assert data_view["attributes"]["title"].rstrip("*") == exporter["logs_index"]
