"""Every rendered manifest is valid for Kubernetes 1.30+.

Built-in kinds are checked with kubernetes-validate in strict mode (unknown fields fail);
custom resources (Gateway API, Envoy Gateway, operators) against the JSON schemas in
schemas/, which cover the fields the charts use and reject any other.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import kubernetes_validate
import pytest

KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.utils.latest_version())


def test_every_manifest_validates_against_its_schema(rendered_case: list[Any], k8s: Any) -> None:
    crd_schemas = k8s.crd_schemas()
    assert rendered_case, "the chart rendered nothing"

    for manifest in rendered_case:
        document = k8s.without_source(manifest)
        custom = crd_schemas.get((document["apiVersion"], document["kind"]))
        if custom is not None:
            jsonschema.validate(document, custom, cls=jsonschema.Draft202012Validator)
            continue
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(document, version, strict=True)
            except kubernetes_validate.utils.SchemaNotFoundError:
                pytest.fail(f"{manifest['_source']}: no schema for {document['kind']}")
            except kubernetes_validate.ValidationError as error:
                path = ".".join(str(part) for part in error.path)
                pytest.fail(
                    f"{manifest['_source']} ({document['kind']}) invalid for k8s {version}: "
                    f"{path}: {error.message}"
                )


def test_object_names_are_unique_per_kind(rendered_case: list[Any]) -> None:
    keys = [(m["kind"], m["metadata"]["name"]) for m in rendered_case]

    assert len(keys) == len(set(keys))


def test_strict_validation_rejects_an_unknown_field(render: Any, k8s: Any) -> None:
    deployment = k8s.by_kind(render("identity"), "Deployment")[0]
    document = k8s.without_source(deployment)
    document["spec"]["template"]["spec"]["containers"][0]["readOnlyRootFS"] = True

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(document, "1.30.0", strict=True)
