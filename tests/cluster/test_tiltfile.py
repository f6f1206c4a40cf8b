"""The developers' loop: the Tiltfile evaluates against the cluster (`tilt alpha
tiltfile-result`: everything `tilt up` would build and deploy, without doing it) and builds
every platform image with live update, labels every resource and links the edge."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(900)]

REPO = Path(__file__).resolve().parents[2]
IMAGES = {
    *(f"catalog/{name}" for name in ("identity", "characteristic", "specification", "pricing")),
    *(f"catalog/{name}" for name in ("offering", "store", "frontend")),
}
# Built too, restarted rather than live-updated.
OTHER_IMAGES = {"catalog/operator"}
LABELS = {"backend", "frontend", "infra"}


@pytest.fixture(scope="module")
def tiltfile_result() -> dict[str, Any]:
    tilt = os.environ.get("CATALOG_TILT")
    if not tilt:
        pytest.fail("CATALOG_TILT is not set: run the cluster tier with `dev/cluster.py test`")
    result = subprocess.run(
        [tilt, "alpha", "tiltfile-result", "--file", str(REPO / "Tiltfile")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _manifests(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {manifest["Name"]: manifest for manifest in result["Manifests"]}


def test_every_platform_image_is_built_with_live_update(tiltfile_result):
    targets = [
        target
        for manifest in tiltfile_result["Manifests"]
        for target in manifest.get("ImageTargets") or []
    ]
    built = {target["selector"] for target in targets}

    assert built >= IMAGES | OTHER_IMAGES, (IMAGES | OTHER_IMAGES) - built
    for target in targets:
        if target["selector"] in IMAGES:
            assert target["LiveUpdateSpec"]["syncs"], target["selector"]


def test_every_resource_is_labelled_and_the_workloads_are_all_there(tiltfile_result):
    manifests = _manifests(tiltfile_result)
    unlabelled = [
        name
        for name, manifest in manifests.items()
        if name != "uncategorized" and not set(manifest.get("Labels") or {}) & LABELS
    ]

    assert unlabelled == []
    assert {
        "catalog-edge",
        "catalog-frontend",
        "catalog-identity",
        "catalog-store-consumers",
    } <= set(manifests)
    assert {f"catalog-infra-{part}" for part in ("postgres", "rabbitmq", "camunda")} <= set(
        manifests
    )


def test_each_migration_is_a_resource_with_the_image_tilt_builds(tiltfile_result):
    manifests = _manifests(tiltfile_result)
    services = ("identity", "characteristic", "specification", "pricing", "offering")

    for service in services:
        manifest = manifests[f"catalog-{service}-migration"]
        (migration,) = yaml.safe_load_all(manifest["DeployTarget"]["yaml"])
        assert migration["kind"] == "DatabaseMigration"
        assert migration["spec"]["service"] == service
        # Tilt injects the image it builds (k8s_kind image_json_path), not the chart's tag.
        targets = {target["selector"] for target in manifest.get("ImageTargets") or []}
        assert targets == {f"catalog/{service}"}, service
        assert "catalog-operator" in manifest["ResourceDependencies"], service
    seed = manifests["catalog-identity-seed"]
    assert "catalog-identity-migration" in seed["ResourceDependencies"]


def test_the_edge_and_the_infrastructure_consoles_are_linked(tiltfile_result):
    manifests = _manifests(tiltfile_result)
    edge_links = manifests["catalog-edge"]["DeployTarget"]["Links"]

    assert edge_links
    hosts = {f"{link['URL']['Host']}" for link in edge_links}
    assert hosts == {"127.0.0.1:8880"}
    forwards = manifests["catalog-infra-zipkin"]["DeployTarget"].get("portForwardTemplateSpec")
    assert forwards, "Zipkin is port-forwarded"
