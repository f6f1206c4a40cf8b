"""The specification chart's own setting: where it asks for characteristics (CHARACTERISTIC_URL).

What every service chart renders is tested in test_service_charts.py.
"""

from __future__ import annotations

from typing import Any

import pytest

FULLNAME = "catalog-specification"


def characteristic_url(manifests: list[Any], k8s: Any) -> str:
    url: str = k8s.named(manifests, "ConfigMap", FULLNAME)["data"]["CHARACTERISTIC_URL"]
    return url


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(None, "http://catalog-characteristic", id="the release's own Service"),
        pytest.param(
            {"global": {"serviceUrls": {"characteristic": "http://{{ .Release.Name }}-chars"}}},
            "http://catalog-chars",
            id="the umbrella's global value, templated",
        ),
        pytest.param(
            {
                "global": {"serviceUrls": {"characteristic": "http://global.example"}},
                "characteristic": {"url": "http://own.example"},
            },
            "http://own.example",
            id="the chart's own value first",
        ),
    ],
)
def test_characteristic_url_defaults_to_the_release_and_can_be_overridden(
    render: Any, k8s: Any, values: dict[str, Any] | None, expected: str
) -> None:
    assert characteristic_url(render("specification", values), k8s) == expected


def test_every_process_and_the_migration_job_get_the_characteristic_url(
    render: Any, k8s: Any
) -> None:
    manifests = render("specification", {"characteristic": {"url": "http://own.example"}})
    (job,) = k8s.by_kind(manifests, "Job")
    (migrate,) = job["spec"]["template"]["spec"]["containers"]

    assert k8s.env_of(migrate)["CHARACTERISTIC_URL"]["value"] == "http://own.example"
    for deployment in k8s.by_kind(manifests, "Deployment"):
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["envFrom"] == [{"configMapRef": {"name": FULLNAME}}]


def test_in_the_umbrella_it_reaches_the_characteristic_service_of_the_release(
    render: Any, k8s: Any
) -> None:
    manifests = render("catalog")
    url = characteristic_url(manifests, k8s)

    service = k8s.named(manifests, "Service", "catalog-characteristic")
    assert url == f"http://{service['metadata']['name']}"
    assert [port["port"] for port in service["spec"]["ports"]] == [80]
    overridden = render(
        "catalog", {"global": {"serviceUrls": {"characteristic": "http://shared.example"}}}
    )
    assert characteristic_url(overridden, k8s) == "http://shared.example"


def test_a_changed_characteristic_url_rolls_the_pods(render: Any, k8s: Any) -> None:
    def checksum(values: dict[str, Any] | None) -> str:
        deployment = k8s.named(render("specification", values), "Deployment", FULLNAME)
        annotations: dict[str, str] = deployment["spec"]["template"]["metadata"]["annotations"]
        return annotations["checksum/config"]

    assert checksum(None) != checksum({"characteristic": {"url": "http://own.example"}})
