"""The bootstrap step: every Secret the cluster's releases reference, created before install.

No chart renders a secret (charts/*/values.yaml name them `existingSecret`); in production a
platform team creates them (or an external-secrets operator does). In the local cluster this
module does: passwords and the JWT signing key are generated once per cluster and kept in the
machine's secrets directory (`<secrets>/kind-<cluster>/`, removed by `make cluster-down`),
then applied with `kubectl apply` — create or update, so a second deploy changes nothing.

What it creates, in the release namespace:
- for the local infrastructure (charts/local-infra): the Postgres superuser and the bootstrap
  SQL creating every database role (the services', FerretDB's, Camunda's), the RabbitMQ user,
  Camunda's database and admin passwords;
- for each service (charts/<service>): DATABASE_URL, RABBITMQ_URL, its engine user, the
  identity service's signing key, the store's MongoDB and search URLs and its own account;
- for the catalog operator: the engine user it deploys the processes as.
"""

from __future__ import annotations

import base64
import json
import shutil
from dataclasses import dataclass

from dev.localplatform import postgres
from dev.localplatform.discovery import ServiceSpec, discover_services
from dev.localplatform.ferretdb import equality_indexes_script
from dev.localplatform.paths import REPO_ROOT, Layout, machine_secrets_dir
from dev.localplatform.secrets_store import ensure_jwt_keys, ensure_password

from . import kube

INFRA_RELEASE = "catalog-infra"
CRDS_RELEASE = "catalog-crds"
PLATFORM_RELEASE = "catalog"
RABBITMQ_USER = "catalog"
CAMUNDA_ADMIN = "admin"
FERRETDB_ROLE = "ferretdb"
CAMUNDA_ROLE = "camunda"


@dataclass(frozen=True)
class ClusterSecrets:
    """The generated passwords of one cluster, kept under <secrets>/kind-<cluster>/."""

    layout: Layout

    def password(self, name: str) -> str:
        return ensure_password(self.layout, name)


def secrets_layout(cluster: str) -> Layout:
    directory = machine_secrets_dir() / f"kind-{cluster}"
    # Layout.secrets is `secrets_dir` itself; the root is unused here (nothing per checkout).
    return Layout(root=REPO_ROOT, secrets_dir=directory)


def forget(cluster: str) -> None:
    shutil.rmtree(machine_secrets_dir() / f"kind-{cluster}", ignore_errors=True)


def infra_host(component: str) -> str:
    return f"{INFRA_RELEASE}-{component}"


def _secret(name: str, namespace: str, data: dict[str, str]) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {
                "app.kubernetes.io/part-of": "catalog",
                "catalog.example/bootstrap": "local",
            },
        },
        "data": {key: base64.b64encode(value.encode()).decode() for key, value in data.items()},
    }


def service_specs() -> list[ServiceSpec]:
    return discover_services(REPO_ROOT / "services")


def secret_objects(cluster: str, namespace: str) -> list[dict[str, object]]:
    """Every Secret of the two releases (pure apart from reading/generating the passwords)."""
    store = ClusterSecrets(secrets_layout(cluster))
    specs = service_specs()
    pg = infra_host("postgres")
    accounts = [
        postgres.DatabaseAccount(spec.name, store.password(f"postgres-{spec.name}"))
        for spec in specs
        if spec.database
    ]
    ferretdb = postgres.DatabaseAccount(FERRETDB_ROLE, store.password("postgres-ferretdb"))
    camunda = postgres.DatabaseAccount(CAMUNDA_ROLE, store.password("postgres-camunda"))
    rabbitmq_password = store.password("rabbitmq")
    rabbitmq_url = f"amqp://{RABBITMQ_USER}:{rabbitmq_password}@{infra_host('rabbitmq')}:5672/"
    objects = [
        _secret(
            "local-infra-postgres",
            namespace,
            {
                "POSTGRES_PASSWORD": store.password("postgres-superuser"),
                "roles.sql": postgres.accounts_script([*accounts, ferretdb, camunda])
                + equality_indexes_script(FERRETDB_ROLE),
            },
        ),
        _secret(
            "local-infra-rabbitmq",
            namespace,
            {"RABBITMQ_DEFAULT_USER": RABBITMQ_USER, "RABBITMQ_DEFAULT_PASS": rabbitmq_password},
        ),
        _secret(
            "local-infra-camunda",
            namespace,
            {
                "SPRING_DATASOURCE_PASSWORD": camunda.password,
                "CAMUNDA_BPM_ADMINUSER_PASSWORD": store.password("camunda-admin"),
            },
        ),
    ]
    objects.append(
        _secret(
            "catalog-operator-engine",
            namespace,
            {"username": CAMUNDA_ADMIN, "password": store.password("camunda-admin")},
        )
    )
    by_name = {account.name: account for account in accounts}
    for spec in specs:
        prefix = f"{PLATFORM_RELEASE}-{spec.name}"
        if spec.database:
            url = by_name[spec.name].url().replace(f"@{postgres.HOST}:", f"@{pg}:")
            objects.append(_secret(f"{prefix}-database", namespace, {"DATABASE_URL": url}))
        objects.append(_secret(f"{prefix}-rabbitmq", namespace, {"RABBITMQ_URL": rabbitmq_url}))
        if spec.camunda:
            objects.append(
                _secret(
                    f"{prefix}-process-engine",
                    namespace,
                    {
                        "CAMUNDA_USERNAME": worker_user(spec),
                        "CAMUNDA_PASSWORD": store.password(f"camunda-{spec.name}-worker"),
                    },
                )
            )
        if spec.mongodb:
            mongodb_url = (
                f"mongodb://{FERRETDB_ROLE}:{ferretdb.password}@{infra_host('ferretdb')}:27017/"
                "?authMechanism=PLAIN"
            )
            objects.append(_secret(f"{prefix}-mongodb", namespace, {"MONGODB_URL": mongodb_url}))
        if spec.search:
            search_url = f"http://{infra_host('opensearch')}:9200"
            objects.append(_secret(f"{prefix}-search", namespace, {"SEARCH_URL": search_url}))
        if spec.service_account:
            objects.append(
                _secret(
                    f"{prefix}-catalog-account",
                    namespace,
                    {"CATALOG_PASSWORD": service_account_password(cluster, spec)},
                )
            )
        if spec.accounts is not None:
            keys = ensure_jwt_keys(store.layout)
            objects.append(
                _secret(
                    f"{prefix}-jwt-keys",
                    namespace,
                    {"private.pem": keys.private_key.read_text()},
                )
            )
    return objects


def worker_user(spec: ServiceSpec) -> str:
    return f"{spec.name}-worker"


def worker_password(cluster: str, spec: ServiceSpec) -> str:
    return ClusterSecrets(secrets_layout(cluster)).password(f"camunda-{spec.name}-worker")


def camunda_admin_password(cluster: str) -> str:
    return ClusterSecrets(secrets_layout(cluster)).password("camunda-admin")


def rabbitmq_password(cluster: str) -> str:
    return ClusterSecrets(secrets_layout(cluster)).password("rabbitmq")


def service_account_password(cluster: str, spec: ServiceSpec) -> str:
    return ClusterSecrets(secrets_layout(cluster)).password(f"account-{spec.name}")


def apply(cluster: str, namespace: str) -> int:
    """Creates or updates every Secret; returns how many."""
    objects = secret_objects(cluster, namespace)
    document = {"apiVersion": "v1", "kind": "List", "items": objects}
    kube.kubectl("apply", "-f", "-", input_text=json.dumps(document))
    return len(objects)
