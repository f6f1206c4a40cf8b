"""values.schema.json refuses values that would break a rule, before anything renders."""

from __future__ import annotations

from typing import Any

import helm_python as helm
import pytest

from .conftest import ENGINE_CHARTS, WORKER_CHARTS

INSECURE_SERVICE_VALUES = {
    "writable root filesystem": {"securityContext": {"readOnlyRootFilesystem": False}},
    "privilege escalation": {"securityContext": {"allowPrivilegeEscalation": True}},
    "root user allowed": {"podSecurityContext": {"runAsNonRoot": False}},
    "added capability": {"securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}},
    "unconfined seccomp": {"securityContext": {"seccompProfile": {"type": "Unconfined"}}},
}

MALFORMED_SERVICE_VALUES = {
    "misspelt top-level key": {"replicas": 3},
    # null removes the default limits in Helm's value merge
    "no resource limits": {"resources": {"limits": None}},
    "worker without resources": {"workers": {"consumer": {"enabled": True, "command": ["x"]}}},
    "unknown environment": {"environment": "staging"},
    "secret value instead of a secret name": {"database": {"url": "postgresql+asyncpg://u:p@h/d"}},
}

# What only one service's chart has.
MALFORMED_OWN_VALUES: dict[str, dict[str, dict[str, Any]]] = {
    "identity": {"seed flag as a string": {"seedDemoUsers": "yes"}},
    "specification": {"characteristic URL without a scheme": {"characteristic": {"url": "svc"}}},
    "offering": {
        "specification URL without a scheme": {"specification": {"url": "svc"}},
        "pricing URL without a scheme": {"pricing": {"url": "svc"}},
    },
    "store": {
        "a database for a service without one": {"database": {"enabled": True}},
        "a migration Job for a service without a database": {"migrations": {"enabled": True}},
        "unknown search engine": {"search": {"engine": "solr"}},
        "MongoDB URL instead of a secret name": {"mongodb": {"url": "mongodb://u:p@h:27017/"}},
        "search URL instead of a secret name": {"search": {"url": "https://u:p@h:9200"}},
        "account password instead of a secret name": {"catalogAccount": {"password": "x"}},
        "secret name that is no DNS name": {"mongodb": {"existingSecret": "Store_Mongo"}},
        "offering URL without a scheme": {"offering": {"url": "svc"}},
        "identity URL without a scheme": {"identity": {"url": "svc"}},
        "the metrics block folded into workerMetrics": {"metrics": {"port": 9106}},
    },
}

# What every chart with a process engine (`processEngine`) refuses.
MALFORMED_ENGINE_VALUES = {
    "engine URL without a scheme": {"processEngine": {"url": "camunda:8080/engine-rest"}},
    "engine URL without /engine-rest": {"processEngine": {"url": "http://camunda:8080"}},
    "engine password instead of a secret name": {"processEngine": {"password": "x"}},
    "engine user name instead of a secret key": {"processEngine": {"username": "x-worker"}},
    "engine secret name that is no DNS name": {"processEngine": {"existingSecret": "Engine_U"}},
    "empty engine password key": {"processEngine": {"passwordKey": ""}},
    "engine flag as a string": {"processEngine": {"enabled": "false"}},
    "a saga worker without an engine": {"processEngine": {"enabled": False}},
    "saga worker without resources": {"workers": {"saga-worker": {"resources": None}}},
}

# What every chart with workers (`workerMetrics`) refuses.
MALFORMED_WORKER_METRICS_VALUES = {
    "worker metrics port below 1024": {"workerMetrics": {"port": 80}},
    "worker metrics port above 65535": {"workerMetrics": {"port": 70000}},
    "worker metrics port as a string": {"workerMetrics": {"port": "9100"}},
    "worker metrics port of the collector sidecar (OTLP)": {"workerMetrics": {"port": 4318}},
    "worker metrics port of the collector sidecar (health)": {"workerMetrics": {"port": 13133}},
    "worker metrics flag as a string": {"workerMetrics": {"enabled": "false"}},
    "scrape annotations flag as a string": {"workerMetrics": {"scrapeAnnotations": "yes"}},
    "misspelt worker metrics key": {"workerMetrics": {"address": "0.0.0.0"}},
    "worker liveness probe that is no probe": {"workerMetrics": {"livenessProbe": "http"}},
    "worker startup probe that is no probe": {"workerMetrics": {"startupProbe": 10}},
    "a worker's own probe that is no probe": {"workers": {"consumers": {"livenessProbe": "x"}}},
}

MALFORMED_UMBRELLA_VALUES = {
    "unknown edge mode": {"edge": {"mode": "traefik"}},
    "misspelt top-level key": {"gloabl": {}},
    "existing gateway without a name": {"edge": {"gateway": {"create": False}}},
    "infrastructure flag as a string": {"zipkin": {"enabled": "true"}},
    "service flag as a string": {"pricing": {"enabled": "true"}},
    "unknown service URL": {"global": {"serviceUrls": {"characteristics": "http://x"}}},
    "unknown peer URL": {"global": {"serviceUrls": {"prices": "http://x"}}},
    "engine URL without /engine-rest": {"global": {"processEngine": {"url": "http://x:8080"}}},
    "engine credentials in the global block": {"global": {"processEngine": {"password": "x"}}},
}

SERVICE_REJECTED_VALUES = [
    *(pytest.param(v, id=k) for k, v in INSECURE_SERVICE_VALUES.items()),
    *(pytest.param(v, id=k) for k, v in MALFORMED_SERVICE_VALUES.items()),
]

REJECTED_VALUES = [
    *(
        pytest.param(chart, v, id=f"{chart}: {k}")
        for chart, own in MALFORMED_OWN_VALUES.items()
        for k, v in own.items()
    ),
    *(pytest.param("catalog", v, id=f"catalog: {k}") for k, v in MALFORMED_UMBRELLA_VALUES.items()),
]


@pytest.mark.parametrize("values", SERVICE_REJECTED_VALUES)
def test_service_schema_rejects_values_that_break_a_rule(
    loaded_charts: dict[str, helm.Chart], service_chart: str, values: dict[str, Any]
) -> None:
    with pytest.raises(helm.HelmValuesError):
        loaded_charts[service_chart].render(values=values, name="catalog")


def test_the_umbrella_hands_each_service_block_to_that_services_schema(
    loaded_charts: dict[str, helm.Chart], service_chart: str
) -> None:
    insecure = INSECURE_SERVICE_VALUES["writable root filesystem"]

    with pytest.raises(helm.HelmValuesError):
        loaded_charts["catalog"].render(values={service_chart: insecure}, name="catalog")


@pytest.mark.parametrize(("chart", "values"), REJECTED_VALUES)
def test_schema_rejects_values_that_break_a_rule(
    loaded_charts: dict[str, helm.Chart], chart: str, values: dict[str, Any]
) -> None:
    with pytest.raises(helm.HelmValuesError):
        loaded_charts[chart].render(values=values, name="catalog")


@pytest.mark.parametrize(
    "values", [pytest.param(v, id=k) for k, v in MALFORMED_WORKER_METRICS_VALUES.items()]
)
def test_worker_metrics_schema_rejects_values_that_break_a_rule(
    loaded_charts: dict[str, helm.Chart], worker_chart: str, values: dict[str, Any]
) -> None:
    with pytest.raises(helm.HelmValuesError):
        loaded_charts[worker_chart].render(values=values, name="catalog")


def test_only_a_service_with_workers_takes_worker_metrics(
    loaded_charts: dict[str, helm.Chart], service_chart: str
) -> None:
    values = {"workerMetrics": {"port": 9300}}

    if service_chart in WORKER_CHARTS:
        loaded_charts[service_chart].render(values=values, name="catalog")
    else:
        with pytest.raises(helm.HelmValuesError):
            loaded_charts[service_chart].render(values=values, name="catalog")


@pytest.mark.parametrize(
    "values", [pytest.param(v, id=k) for k, v in MALFORMED_ENGINE_VALUES.items()]
)
def test_engine_schema_rejects_values_that_break_a_rule(
    loaded_charts: dict[str, helm.Chart], engine_chart: str, values: dict[str, Any]
) -> None:
    with pytest.raises(helm.HelmValuesError):
        loaded_charts[engine_chart].render(values=values, name="catalog")


def test_only_a_service_that_runs_saga_steps_takes_a_process_engine(
    loaded_charts: dict[str, helm.Chart], service_chart: str
) -> None:
    values = {"processEngine": {"url": "http://camunda:8080/engine-rest"}}

    if service_chart in ENGINE_CHARTS:
        loaded_charts[service_chart].render(values=values, name="catalog")
    else:
        with pytest.raises(helm.HelmValuesError):
            loaded_charts[service_chart].render(values=values, name="catalog")
