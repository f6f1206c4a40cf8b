"""What PromQL may name here: the series the services export and the recording rules of
observability/prometheus/rules.yml. Shared by the rules' test (test_prometheus.py) and the
dashboards' (test_dashboards.py)."""

from __future__ import annotations

import re
from typing import Any

import yaml
from prometheus_client import REGISTRY

import catalog_chassis.messaging.consumer
import catalog_chassis.metrics
import catalog_chassis.outbox.relay
import catalog_chassis.workflow.worker
import store_service.entrypoints.consumers
from dev.localplatform import prometheus

# The modules whose metrics the rules and dashboards use (imported for their registrations).
EXPORTERS = (
    catalog_chassis.messaging.consumer,
    catalog_chassis.metrics,
    catalog_chassis.outbox.relay,
    catalog_chassis.workflow.worker,
    store_service.entrypoints.consumers,
)
# Series names a histogram or counter registers beyond its own name.
SUFFIXES = ("_bucket", "_sum", "_count", "_total", "_created")
# Words of PromQL that stand where a metric name could: operators and modifiers.
KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan"}
# Clauses whose parentheses hold label names, not expressions.
LABEL_LISTS = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")


def exported_series() -> set[str]:
    names: set[str] = {"up"}
    for collector in list(REGISTRY._collector_to_names):  # type: ignore[attr-defined]
        for metric in collector.describe() if hasattr(collector, "describe") else []:
            names.add(metric.name)
            names.update(metric.name + suffix for suffix in SUFFIXES)
    return names


def rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(prometheus.RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def rule_expressions() -> list[str]:
    return [rule["expr"] for rule in rules()]


def recorded_series() -> set[str]:
    """The names of the recording rules (series Prometheus computes, e.g. catalog:...)."""
    return {rule["record"] for rule in rules() if "record" in rule}


def metric_names(expression: str) -> set[str]:
    """The metric names an expression selects: what is left once strings, label matchers,
    ranges, Grafana variables, label lists and function calls are taken out."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expression)
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", text)
    text = re.sub(r"\$\{[^}]*\}|\$\w+", "", text)
    text = LABEL_LISTS.sub(" ", text)
    names = re.findall(r"(?<![\w:.])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()", text)
    return {name for name in names if name.lower() not in KEYWORDS}
