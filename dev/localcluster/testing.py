"""`dev/cluster.py test`: the cluster tier of `make test`, against the deployed platform.

The same system tests that run against the local platform run here through the in-cluster
edge (every system test not marked `local_only`, i.e. not one that stops or inspects a local
process), plus tests/cluster (pods, `helm test`, a rolling upgrade, `helm uninstall`, the
Tiltfile). The
tests reach the cluster through `kubectl port-forward`s opened here: the edge, RabbitMQ (to
watch events), the engine and Zipkin; the environment names them as the local platform's
platform.env would (the process environment wins over it in the tests' conftest).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from dev.localplatform.paths import REPO_ROOT

from . import charts, deploy, kube, secrets

MARKERS = "cluster or (system and not local_only)"
# The system tests first: tests/cluster ends with `helm uninstall`.
PATHS = ("tests/system", "tests/cluster")


def run(pytest_args: list[str]) -> int:
    kube.require_cluster()
    tilt = kube.ensure_tilt()
    with ExitStack() as stack:

        def forward(service: str, port: int) -> str:
            return stack.enter_context(deploy.port_forward(f"svc/{service}", port))

        edge = forward(f"{secrets.PLATFORM_RELEASE}-edge", 80)
        amqp = forward(secrets.infra_host("rabbitmq"), 5672)
        management = forward(secrets.infra_host("rabbitmq"), 15672)
        engine = forward(secrets.infra_host("camunda"), 8080)
        zipkin = forward(secrets.infra_host("zipkin"), 9411)
        password = secrets.rabbitmq_password(kube.CLUSTER)
        amqp_host = amqp.removeprefix("http://")
        env = {
            **kube.tools_env(),
            "EDGE_URL": edge,
            "RABBITMQ_URL": f"amqp://{secrets.RABBITMQ_USER}:{password}@{amqp_host}/",
            "RABBITMQ_MANAGEMENT_URL": management,
            "RABBITMQ_MANAGEMENT_USER": secrets.RABBITMQ_USER,
            "RABBITMQ_MANAGEMENT_PASSWORD": password,
            "CAMUNDA_URL": f"{engine}/engine-rest",
            "CAMUNDA_ADMIN_USERNAME": secrets.CAMUNDA_ADMIN,
            "CAMUNDA_ADMIN_PASSWORD": secrets.camunda_admin_password(kube.CLUSTER),
            "ZIPKIN_URL": zipkin,
            "CATALOG_CLUSTER_NAMESPACE": kube.NAMESPACE,
            "CATALOG_CLUSTER_CHARTS": str(charts.package_dir()),
            "CATALOG_TILT": tilt,
        }
        pytest = Path(sys.executable).parent / "pytest"
        # pytest-kubernetes deletes the kubeconfig of a cluster it is done with, even one it
        # did not create: it gets a copy.
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cluster-tests-")))
        kubeconfig = directory / "kubeconfig"
        shutil.copy2(kube.kubeconfig(), kubeconfig)
        cluster = [
            "--k8s-provider=external",
            f"--k8s-kubeconfig={kubeconfig}",
            f"--k8s-cluster-name={kube.CLUSTER}",
        ]
        command = [str(pytest), "-m", MARKERS, *cluster, *pytest_args, *PATHS]
        return subprocess.run(command, cwd=REPO_ROOT, env=env, check=False).returncode
