"""`make cluster-up` / `make cluster-down`: a one-node kind cluster from a node image built here.

The node image (k8s/build/node-image.sh: kind's base rebuilt on the local Debian base with
Debian's containerd and runc, the Kubernetes components from the Go module proxy, the
control-plane images preloaded) is cached twice: as a Docker image, and as a saved tarball
that a fresh Docker data root loads in seconds. Its key covers versions.env and every file it
is built from.
"""

from __future__ import annotations

import time
from pathlib import Path

from dev.localplatform.buildcache import cache_root, content_key
from dev.localplatform.commands import run
from dev.localplatform.console import done, info, step
from dev.localplatform.paths import REPO_ROOT

from . import docker, images, kube, secrets

NODE_DIR = REPO_ROOT / "k8s" / "node"
NODE_SCRIPT = REPO_ROOT / "k8s" / "build" / "node-image.sh"
KIND_CONFIG = REPO_ROOT / "k8s" / "kind-config.yaml"
NODE_BUILD_TIMEOUT = 1800.0
# What the edge's NodePort is published on (k8s/kind-config.yaml's extraPortMappings).
EDGE_URL = "http://127.0.0.1:8880"


def node_inputs() -> list[Path]:
    files = sorted(path for path in NODE_DIR.rglob("*") if path.is_file())
    return [kube.VERSIONS_FILE, NODE_SCRIPT, *files]


def node_image() -> str:
    key = content_key(node_inputs(), [str(path.relative_to(REPO_ROOT)) for path in node_inputs()])
    return f"local/kind-node:{kube.versions()['KUBE_VERSION']}-{key}"


def node_image_tarball(reference: str) -> Path:
    return cache_root() / f"{reference.replace('/', '_').replace(':', '-')}.tar.gz"


def tooling_cached() -> bool:
    """Whether `up` needs no long build: kind, kubectl and helm, and the node image, are in
    the cache (a machine's first `up` builds them from the Go module proxy, ~25 min)."""
    return (kube.binaries_dir() / "bin" / "helm").is_file() and node_image_tarball(
        node_image()
    ).is_file()


def ensure_node_image(base: str) -> str:
    reference = node_image()
    if docker.image_exists(reference):
        return reference
    tarball = node_image_tarball(reference)
    if tarball.is_file():
        step(f"loading the node image {reference} from the cache")
        run(
            ["sh", "-c", f"gunzip -c '{tarball}' | {docker.DOCKER} load"],
            env=docker.env(),
            timeout=600,
        )
    else:
        step(f"building the node image {reference} (≈ 2-4 min)")
        run(
            ["bash", str(NODE_SCRIPT), str(kube.binaries_dir()), reference, str(tarball)],
            env={**docker.env(), "BASE_IMAGE": base},
            timeout=NODE_BUILD_TIMEOUT,
        )
    done(f"node image {reference}")
    return reference


def exists() -> bool:
    return kube.CLUSTER in kube.kind("get", "clusters").stdout.split()


def up(fresh: bool = False) -> None:
    """Creates the cluster (idempotent): dockerd, the tools, the node image, `kind create`.
    ``fresh``: a cluster that exists already (an earlier run's, in whatever state it was left)
    is deleted first."""
    docker.ensure_running()
    kube.ensure_binaries()
    base = images.ensure_base()
    node = ensure_node_image(base)
    if fresh and exists():
        info(f"kind cluster {kube.CLUSTER} exists already: deleted, to start from a new one")
        down()
    if exists():
        info(f"kind cluster {kube.CLUSTER} already exists")
        kube.kind(
            "export", "kubeconfig", "--name", kube.CLUSTER, "--kubeconfig", str(kube.kubeconfig())
        )
        return
    step(f"creating kind cluster {kube.CLUSTER}")
    started = time.monotonic()
    kube.kind(
        "create",
        "cluster",
        "--name",
        kube.CLUSTER,
        "--config",
        str(KIND_CONFIG),
        "--image",
        node,
        "--kubeconfig",
        str(kube.kubeconfig()),
        "--wait",
        "180s",
        timeout=600,
    )
    done(f"kind cluster {kube.CLUSTER} in {time.monotonic() - started:.0f}s")


def down() -> None:
    if docker.answers() and kube.binaries_dir().is_dir() and exists():
        step(f"deleting kind cluster {kube.CLUSTER}")
        kube.kind(
            "delete", "cluster", "--name", kube.CLUSTER, "--kubeconfig", str(kube.kubeconfig())
        )
        done(f"kind cluster {kube.CLUSTER} deleted")
    else:
        info(f"no kind cluster {kube.CLUSTER}")
    secrets.forget(kube.CLUSTER)
    kube.kubeconfig().unlink(missing_ok=True)


def node_container() -> str:
    return f"{kube.CLUSTER}-control-plane"


def loaded_images() -> set[str]:
    """The image references the node's containerd holds (k8s.io namespace)."""
    listing = docker.docker(
        "exec", node_container(), "ctr", "--namespace=k8s.io", "images", "list", "--quiet"
    ).stdout
    # Docker Hub-less references are stored as docker.io/<repository>:<tag>.
    return {line.removeprefix("docker.io/") for line in listing.split()}


def load(references: list[str]) -> list[str]:
    """`kind load docker-image` of the references the node lacks (one save for all of them,
    so shared layers travel once); returns those loaded."""
    missing = sorted(set(references) - loaded_images())
    if missing:
        step(f"loading {len(missing)} image(s) into the node")
        kube.kind("load", "docker-image", "--name", kube.CLUSTER, *missing, timeout=1800)
        done(f"loaded {', '.join(missing)}")
    return missing
