"""The catalog operator's CRDs (charts/catalog-crds): they render, are valid for Kubernetes,
and their schemas accept the resources the platform writes and refuse malformed ones."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import kubernetes_validate
import pytest

from catalog_operator import conditions

CHART = "catalog-crds"
GROUP = "catalog.example"
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.utils.latest_version())

PROCESS_DEFINITION: dict[str, Any] = {
    "apiVersion": f"{GROUP}/v1alpha1",
    "kind": "ProcessDefinition",
    "metadata": {"name": "publication", "namespace": "catalog"},
    "spec": {
        "engine": {
            "url": "http://catalog-camunda:8080/engine-rest",
            "credentialsSecret": {"name": "catalog-engine-operator"},
        },
        "bpmn": {"configMapRef": {"name": "catalog-bpmn", "key": "publication.bpmn"}},
    },
}
INLINE_PROCESS_DEFINITION: dict[str, Any] = {
    **PROCESS_DEFINITION,
    "spec": {
        "engine": {"url": "https://engine.example/engine-rest/"},
        "bpmn": {"inline": "<definitions/>", "fileName": "hello.bpmn"},
        "deploymentName": "hello",
    },
}
DATABASE_MIGRATION: dict[str, Any] = {
    "apiVersion": f"{GROUP}/v1alpha1",
    "kind": "DatabaseMigration",
    "metadata": {"name": "pricing", "namespace": "catalog"},
    "spec": {
        "service": "pricing",
        "image": "registry.example.com/catalog/pricing:0.1.0",
        "targetRevision": "head",
        "env": [
            {
                "name": "DATABASE_URL",
                "valueFrom": {"secretKeyRef": {"name": "catalog-pricing-db", "key": "url"}},
            }
        ],
        "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": 1}},
        "backoffLimit": 3,
        "activeDeadlineSeconds": 600,
    },
}


def with_spec(resource: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``resource`` with spec.<path> set to ``value`` (deleted when value is ...)."""
    changed = copy.deepcopy(resource)
    *parents, last = path.split(".")
    node = changed["spec"]
    for part in parents:
        node = node.setdefault(part, {})
    if value is ...:
        node.pop(last, None)
    else:
        node[last] = value
    return changed


INVALID_RESOURCES = {
    "engine URL without /engine-rest": with_spec(PROCESS_DEFINITION, "engine.url", "http://c:8080"),
    "engine URL without a scheme": with_spec(PROCESS_DEFINITION, "engine.url", "c/engine-rest"),
    "no engine": with_spec(PROCESS_DEFINITION, "engine", ...),
    "both a ConfigMap and inline BPMN": with_spec(PROCESS_DEFINITION, "bpmn.inline", "<x/>"),
    "neither a ConfigMap nor inline BPMN": with_spec(PROCESS_DEFINITION, "bpmn.configMapRef", ...),
    "a ConfigMap key the engine would not parse as BPMN": with_spec(
        PROCESS_DEFINITION, "bpmn.configMapRef.key", "publication.xml"
    ),
    "a Secret name that is no DNS name": with_spec(
        PROCESS_DEFINITION, "engine.credentialsSecret.name", "Engine_Secret"
    ),
    "empty inline BPMN": with_spec(INLINE_PROCESS_DEFINITION, "bpmn.inline", ""),
    "migration without an image": with_spec(DATABASE_MIGRATION, "image", ...),
    "migration without a service": with_spec(DATABASE_MIGRATION, "service", ...),
    "service name that is no DNS label": with_spec(DATABASE_MIGRATION, "service", "Pricing_Svc"),
    "revision that is no Alembic id": with_spec(DATABASE_MIGRATION, "targetRevision", "head; rm"),
    "negative backoff limit": with_spec(DATABASE_MIGRATION, "backoffLimit", -1),
    "deadline too short": with_spec(DATABASE_MIGRATION, "activeDeadlineSeconds", 5),
    "unknown pull policy": with_spec(DATABASE_MIGRATION, "imagePullPolicy", "Sometimes"),
    "env entry without a name": with_spec(DATABASE_MIGRATION, "env", [{"value": "x"}]),
}


@pytest.fixture(scope="module")
def crds(render: Any) -> dict[str, dict[str, Any]]:
    """The rendered CRDs by kind."""
    manifests = render(CHART)
    return {
        m["spec"]["names"]["kind"]: m for m in manifests if m["kind"] == "CustomResourceDefinition"
    }


def schema_of(crd: dict[str, Any]) -> dict[str, Any]:
    (version,) = crd["spec"]["versions"]
    schema: dict[str, Any] = version["schema"]["openAPIV3Schema"]
    return schema


def validator_for(crds: dict[str, dict[str, Any]], resource: dict[str, Any]) -> Any:
    return jsonschema.Draft202012Validator(schema_of(crds[resource["kind"]]))


def test_the_chart_renders_both_crds_in_the_catalog_group(crds: dict[str, Any]) -> None:
    assert set(crds) == {"ProcessDefinition", "DatabaseMigration"}
    for kind, crd in crds.items():
        assert crd["spec"]["group"] == GROUP
        assert crd["metadata"]["name"] == f"{crd['spec']['names']['plural']}.{GROUP}", kind
        assert crd["spec"]["scope"] == "Namespaced"


def test_each_crd_serves_v1alpha1_with_a_status_subresource(crds: dict[str, Any]) -> None:
    for crd in crds.values():
        (version,) = crd["spec"]["versions"]
        assert (version["name"], version["served"], version["storage"]) == ("v1alpha1", True, True)
        assert version["subresources"] == {"status": {}}


@pytest.mark.parametrize(
    ("kind", "columns"),
    [
        ("ProcessDefinition", ["Ready", "Reason", "Key", "Version", "Age"]),
        ("DatabaseMigration", ["Ready", "Reason", "Service", "Revision", "Age"]),
    ],
)
def test_kubectl_get_shows_readiness_version_and_age(
    crds: dict[str, Any], kind: str, columns: list[str]
) -> None:
    (version,) = crds[kind]["spec"]["versions"]

    assert [column["name"] for column in version["additionalPrinterColumns"]] == columns


def test_the_crds_are_valid_for_kubernetes(crds: dict[str, Any], k8s: Any) -> None:
    for crd in crds.values():
        document = k8s.without_source(crd)
        for version in KUBERNETES_VERSIONS:
            kubernetes_validate.validate(document, version, strict=True)


def test_the_crds_survive_an_uninstall_unless_told_otherwise(render: Any) -> None:
    kept = [m["metadata"]["annotations"] for m in render(CHART)]
    removable = [m["metadata"]["annotations"] for m in render(CHART, {"keep": False})]

    assert all(a.get("helm.sh/resource-policy") == "keep" for a in kept)
    assert not any("helm.sh/resource-policy" in a for a in removable)


def structural_gaps(schema: dict[str, Any], path: str = "") -> list[str]:
    """Nodes without a type (Kubernetes requires one, except under int-or-string)."""
    if schema.get("x-kubernetes-int-or-string") or schema.get(
        "x-kubernetes-preserve-unknown-fields"
    ):
        return []
    gaps = [] if "type" in schema else [path or "<root>"]
    for name, child in schema.get("properties", {}).items():
        gaps += structural_gaps(child, f"{path}.{name}")
    if isinstance(schema.get("items"), dict):
        gaps += structural_gaps(schema["items"], f"{path}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        gaps += structural_gaps(schema["additionalProperties"], f"{path}.*")
    return gaps


def test_every_schema_node_has_a_type(crds: dict[str, Any]) -> None:
    for kind, crd in crds.items():
        assert structural_gaps(schema_of(crd)) == [], kind


@pytest.mark.parametrize(
    "resource",
    [
        pytest.param(PROCESS_DEFINITION, id="ProcessDefinition from a ConfigMap"),
        pytest.param(INLINE_PROCESS_DEFINITION, id="ProcessDefinition inline"),
        pytest.param(
            with_spec(PROCESS_DEFINITION, "bpmn.configMapRef.key", ...),
            id="ProcessDefinition of every .bpmn key of a ConfigMap",
        ),
        pytest.param(DATABASE_MIGRATION, id="DatabaseMigration"),
        pytest.param(
            with_spec(DATABASE_MIGRATION, "targetRevision", "3f2a1c9b7d10"),
            id="DatabaseMigration to a revision",
        ),
    ],
)
def test_an_example_resource_validates(crds: dict[str, Any], resource: dict[str, Any]) -> None:
    validator_for(crds, resource).validate(resource)


@pytest.mark.parametrize(
    "resource", [pytest.param(r, id=name) for name, r in INVALID_RESOURCES.items()]
)
def test_the_schema_refuses_a_malformed_resource(
    crds: dict[str, Any], resource: dict[str, Any]
) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validator_for(crds, resource).validate(resource)


def test_the_status_the_operator_writes_validates(crds: dict[str, Any]) -> None:
    written = conditions.degraded([], "DeploymentRejected", "ENGINE-09005 bad BPMN", 3)
    process = {
        **PROCESS_DEFINITION,
        "status": {
            "observedGeneration": 3,
            "conditions": conditions.ready(written, "Deployed", "deployed publication v2", 3),
            "deploymentId": "d-1",
            "processDefinitionId": "publication:2:p-2",
            "key": "publication",
            "version": 2,
            "definitions": [{"id": "publication:2:p-2", "key": "publication", "version": 2}],
            "contentDigest": "0" * 64,
        },
    }
    migration = {
        **DATABASE_MIGRATION,
        "status": {
            "observedGeneration": 1,
            "conditions": conditions.progressing([], "MigrationRunning", "Job x runs", 1),
            "jobName": "pricing-migrate-0a1b2c3d",
            "appliedRevision": "3f2a1c9b7d10",
            "image": DATABASE_MIGRATION["spec"]["image"],
        },
    }
    for resource in (process, migration):
        validator_for(crds, resource).validate(resource)
