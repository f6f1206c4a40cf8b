"""Prometheus as `up` runs it: a job per service process, the SLO rules (valid, and naming
only metrics the code exports), and, against the running platform, every API and worker
scraped and the rules loaded."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from dev.localplatform import prometheus
from dev.localplatform.discovery import ServiceSpec, discover_services
from dev.localplatform.paths import DEFAULT_LAYOUT

from .promql import exported_series, metric_names, recorded_series, rule_expressions


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
    known = exported_series() | recorded_series()
    unknown = {name for e in rule_expressions() for name in metric_names(e)} - known
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
