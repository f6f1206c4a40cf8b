"""The identity chart's own additions to the library's workloads: signing keys, demo users.

What every service chart renders is tested in test_service_charts.py.
"""

from __future__ import annotations

from typing import Any

FULLNAME = "catalog-identity"


def api_pod(manifests: list[Any], k8s: Any) -> dict[str, Any]:
    pod: dict[str, Any] = k8s.named(manifests, "Deployment", FULLNAME)["spec"]["template"]["spec"]
    return pod


def test_signing_keys_are_mounted_read_only_from_the_key_secret(render: Any, k8s: Any) -> None:
    manifests = render(
        "identity",
        {"jwt": {"existingSecret": "signing-keys", "previousPublicKeyKeys": ["old.pub.pem"]}},
    )
    pod = api_pod(manifests, k8s)
    (api,) = pod["containers"]
    env = k8s.env_of(api)
    volume = next(v for v in pod["volumes"] if v["name"] == "jwt-keys")
    mount = next(m for m in api["volumeMounts"] if m["name"] == "jwt-keys")

    assert volume["secret"]["secretName"] == "signing-keys"
    assert [item["key"] for item in volume["secret"]["items"]] == ["private.pem", "old.pub.pem"]
    assert mount["readOnly"] is True
    directory = mount["mountPath"]
    assert env["JWT_PRIVATE_KEY_FILE"]["value"] == f"{directory}/private.pem"
    assert env["JWT_PUBLIC_KEY_FILES"]["value"] == f"{directory}/old.pub.pem"


def test_without_previous_keys_no_public_key_files_are_set(render: Any, k8s: Any) -> None:
    (api,) = api_pod(render("identity"), k8s)["containers"]

    assert "JWT_PUBLIC_KEY_FILES" not in k8s.env_of(api)


def test_demo_users_are_seeded_by_a_post_install_hook_only_when_asked(
    render: Any, k8s: Any
) -> None:
    seeded = render("identity", {"seedDemoUsers": True})
    job = k8s.named(seeded, "Job", f"{FULLNAME}-seed")
    (container,) = job["spec"]["template"]["spec"]["containers"]

    assert job["metadata"]["annotations"]["helm.sh/hook"] == "post-install,post-upgrade"
    assert container["command"][-1] == "seed"
    assert k8s.env_of(container)["SEED_DEMO_USERS"]["value"] == "true"
    unseeded = [job["metadata"]["name"] for job in k8s.by_kind(render("identity"), "Job")]
    assert f"{FULLNAME}-seed" not in unseeded


def test_the_seed_job_mounts_the_signing_key_its_settings_require(render: Any, k8s: Any) -> None:
    """The seed command loads the API's settings, which require JWT_PRIVATE_KEY_FILE: without
    the key mounted it failed at start in a real cluster."""
    job = k8s.named(render("identity", {"seedDemoUsers": True}), "Job", f"{FULLNAME}-seed")
    pod = job["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    key_file = k8s.env_of(container)["JWT_PRIVATE_KEY_FILE"]["value"]
    mounts = {mount["name"]: mount["mountPath"] for mount in container["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in pod["volumes"]}

    assert key_file == f"{mounts['jwt-keys']}/private.pem"
    assert volumes["jwt-keys"]["secret"]["secretName"] == f"{FULLNAME}-jwt-keys"
