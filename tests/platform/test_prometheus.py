"""Prometheus as `up` runs it: a job per service process, the SLO rules (valid, and naming
only metrics the code exports), and, against the running platform, every API and worker
scraped and the rules loaded."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import yaml
from prometheus_client import REGISTRY

import catalog_chassis.messaging.consumer
import catalog_chassis.metrics
import catalog_chassis.outbox.relay
import catalog_chassis.workflow.worker
import store_service.entrypoints.consumers
from dev.localplatform import prometheus
from dev.localplatform.discovery import ServiceSpec, discover_services
from dev.localplatform.paths import DEFAULT_LAYOUT

# The modules whose metrics the rules use (imported for their registrations).
EXPORTERS = (
    catalog_chassis.messaging.consumer,
    catalog_chassis.metrics,
    catalog_chassis.outbox.relay,
    catalog_chassis.workflow.worker,
    store_service.entrypoints.consumers,
)
# Series names a histogram or counter registers beyond its own name.
SUFFIXES = ("_bucket", "_sum", "_count", "_total", "_created")
PROMQL_WORDS = {"by", "sum", "rate", "increase", "max", "clamp_min", "histogram_quantile", "le"}


def exported_series() -> set[str]:
    names: set[str] = {"up"}
    for collector in list(REGISTRY._collector_to_names):  # type: ignore[attr-defined]
        for metric in collector.describe() if hasattr(collector, "describe") else []:
            names.add(metric.name)
            names.update(metric.name + suffix for suffix in SUFFIXES)
    return names


def rule_expressions() -> list[str]:
    document = yaml.safe_load(prometheus.RULES.read_text())
    return [rule["expr"] for group in document["groups"] for rule in group["rules"]]


def test_every_service_process_is_a_job_on_its_own_port(tmp_path: Path) -> None:
    spec = ServiceSpec(
        name="pricing",
        directory=tmp_path,
        port=8004,
        database=True,
        processes={"api": ["x"], "relay": ["x"], "saga-worker": ["x"]},
    )

    jobs = prometheus.scrape_configs([spec])

    assert [(j["job_name"], j["static_configs"][0]["targets"]) for j in jobs] == [
        ("pricing", ["127.0.0.1:8004"]),
        ("pricing-relay", ["127.0.0.1:9104"]),
        ("pricing-saga-worker", ["127.0.0.1:9114"]),
    ]
    assert jobs[1]["static_configs"][0]["labels"] == {"service": "pricing", "process": "relay"}


def test_the_command_listens_on_loopback_with_a_bounded_retention(tmp_path: Path) -> None:
    command = prometheus.command(tmp_path / "p.yml", tmp_path / "data")

    assert "--web.listen-address=127.0.0.1:9090" in command
    assert "--storage.tsdb.retention.time=2d" in command


def test_the_rules_name_only_metrics_the_services_export() -> None:
    exported = exported_series()
    recorded = {
        rule["record"]
        for group in yaml.safe_load(prometheus.RULES.read_text())["groups"]
        for rule in group["rules"]
        if "record" in rule
    }
    unknown = set()
    for expression in rule_expressions():
        without_labels = re.sub(r"\{[^}]*\}", "", expression)
        for name in re.findall(r"\b[a-z_][a-z0-9_:]*\b", without_labels):
            if name in PROMQL_WORDS or name in recorded or name in exported:
                continue
            if re.fullmatch(r"[a-z]+", name) and name not in exported:
                continue  # PromQL keywords and functions (on, and, ...)
            unknown.add(name)
    assert not unknown, f"rules reference metrics nothing exports: {sorted(unknown)}"


# ---------------------------------------------------------------------------------------------
# the running Prometheus (integration)


@pytest.mark.integration
def test_promtool_accepts_the_rules_and_the_generated_configuration() -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool comes with Debian's prometheus package, installed by make up"
    config = DEFAULT_LAYOUT.local / "prometheus" / "prometheus.yml"

    rules = subprocess.run([promtool, "check", "rules", str(prometheus.RULES)], check=False)
    checked = subprocess.run([promtool, "check", "config", str(config)], check=False)

    assert rules.returncode == 0 and checked.returncode == 0


@pytest.mark.integration
def test_prometheus_scrapes_every_api_and_worker_and_has_the_rules_loaded() -> None:
    specs = discover_services(DEFAULT_LAYOUT.services)
    apis = {job["job_name"] for job in prometheus.scrape_configs(specs)}
    with httpx.Client(base_url=prometheus.URL, timeout=5, trust_env=False) as client:
        deadline = time.monotonic() + 30
        while True:  # a fresh Prometheus scrapes and evaluates within a few seconds
            targets = client.get("/api/v1/targets").json()["data"]["activeTargets"]
            health = {t["labels"]["job"]: t["health"] for t in targets}
            groups = client.get("/api/v1/rules").json()["data"]["groups"]
            evaluated = all(rule["health"] == "ok" for g in groups for rule in g["rules"])
            scraped = all(health.get(api) == "up" for api in apis)
            if (scraped and evaluated) or time.monotonic() > deadline:
                break
            time.sleep(1)

    assert {api: health.get(api) for api in apis} == dict.fromkeys(apis, "up")
    assert {g["name"] for g in groups} == {"catalog-requests", "catalog-events", "catalog-saga"}
    assert all(rule["health"] == "ok" for g in groups for rule in g["rules"])
