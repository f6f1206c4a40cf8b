"""The edge route table (charts/catalog/files/routes.yaml), shared with the Helm charts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Route:
    name: str
    port: int
    prefixes: tuple[str, ...]


@dataclass(frozen=True)
class RateLimit:
    requests_per_second: int
    burst: int


@dataclass(frozen=True)
class Cors:
    allow_origins: tuple[str, ...]
    allow_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]


@dataclass(frozen=True)
class EdgeSettings:
    port: int
    connect_timeout_seconds: int
    read_timeout_seconds: int
    rate_limit: RateLimit
    cors: Cors


@dataclass(frozen=True)
class RouteTable:
    services: tuple[Route, ...]
    frontend: Route | None
    edge: EdgeSettings


def load_route_table(path: Path) -> RouteTable:
    with path.open() as handle:
        return parse_route_table(yaml.safe_load(handle))


def parse_route_table(document: dict[str, Any]) -> RouteTable:
    edge = document["edge"]
    frontend = document.get("frontend")
    return RouteTable(
        services=tuple(_route(name, entry) for name, entry in document["services"].items()),
        frontend=_route("frontend", frontend) if frontend else None,
        edge=EdgeSettings(
            port=int(edge["port"]),
            connect_timeout_seconds=int(edge["timeouts"]["connectSeconds"]),
            read_timeout_seconds=int(edge["timeouts"]["readSeconds"]),
            rate_limit=RateLimit(
                requests_per_second=int(edge["rateLimit"]["requestsPerSecond"]),
                burst=int(edge["rateLimit"]["burst"]),
            ),
            cors=Cors(
                allow_origins=tuple(edge["cors"]["allowOrigins"]),
                allow_headers=tuple(edge["cors"]["allowHeaders"]),
                expose_headers=tuple(edge["cors"]["exposeHeaders"]),
            ),
        ),
    )


def _route(name: str, entry: dict[str, Any]) -> Route:
    prefixes = tuple(str(prefix) for prefix in entry["prefixes"])
    for prefix in prefixes:
        if not prefix.startswith("/"):
            raise ValueError(f"route {name}: prefix {prefix!r} must start with '/'")
    return Route(name=name, port=int(entry["port"]), prefixes=prefixes)
