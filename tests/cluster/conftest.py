"""The cluster tier: the platform deployed in the local kind cluster (`make deploy`).

Run by `dev/cluster.py test` (the cluster tier of `make test`), which opens port-forwards to
the in-cluster edge and infrastructure and passes the cluster to pytest-kubernetes'
`k8s` fixture as an external cluster (`--k8s-provider=external --k8s-kubeconfig=…`). kubectl
and helm are the cluster's own builds, first on PATH.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

RELEASE = "catalog"
INFRA_RELEASE = "catalog-infra"

Helm = Callable[..., subprocess.CompletedProcess[str]]


def _setting(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(
            f"{name} is not set: run the cluster tier with `dev/cluster.py test`", pytrace=False
        )
    return value


@pytest.fixture(scope="session")
def namespace() -> str:
    return _setting("CATALOG_CLUSTER_NAMESPACE")


@pytest.fixture(scope="session")
def charts_dir() -> Path:
    return Path(_setting("CATALOG_CLUSTER_CHARTS"))


@pytest.fixture(scope="session")
def edge_url() -> str:
    return _setting("EDGE_URL")


@pytest.fixture(scope="session")
def helm() -> Helm:
    def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["helm", *args], capture_output=True, text=True, timeout=timeout, check=False
        )

    return run


def items(k8s: Any, *args: str) -> list[dict[str, Any]]:
    result = k8s.kubectl(["get", *args, "-o", "json"])
    found: list[dict[str, Any]] = result["items"]
    return found
