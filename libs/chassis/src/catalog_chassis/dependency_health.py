"""The platform's dependency health: every service's readiness and latency in one answer.

``GET /health/dependencies`` asks each service's ``/health/ready`` at once (2 s timeout) and
answers ``{"status", "dependencies": [{"name", "status", "latencyMs"}]}`` — 200 when every
one is ready, 503 when one is not. Addresses stay internal: the answer names services only.
``GET /health`` answers 200 whenever the process runs: its liveness, and the edge's own
``/health`` where the edge cannot answer it itself (a Gateway API or Ingress edge). The edge
routes both paths here; run it with
``DEPENDENCY_TARGETS="identity=http://127.0.0.1:8001/health/ready,..." PORT=8090 python -m
catalog_chassis.dependency_health``.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TIMEOUT = 2.0


def parse_targets(text: str) -> dict[str, str]:
    """``name=url,name=url`` → {name: url}."""
    targets = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, separator, url = item.partition("=")
        if not separator or not name or not url:
            raise ValueError(f"expected name=url, got {item!r}")
        targets[name.strip()] = url.strip()
    return targets


async def check(client: httpx.AsyncClient, name: str, url: str) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        ready = (await client.get(url)).status_code == 200
    except httpx.HTTPError:
        ready = False
    latency = round((time.perf_counter() - started) * 1000, 1)
    return {"name": name, "status": "UP" if ready else "DOWN", "latencyMs": latency}


def create_app(
    targets: Mapping[str, str], *, transport: httpx.AsyncBaseTransport | None = None
) -> Starlette:
    async def dependencies(_: Request) -> JSONResponse:
        async with httpx.AsyncClient(
            timeout=TIMEOUT, transport=transport, trust_env=False
        ) as client:
            results = await asyncio.gather(
                *(check(client, name, url) for name, url in sorted(targets.items()))
            )
        up = all(result["status"] == "UP" for result in results)
        return JSONResponse(
            {"status": "UP" if up else "DOWN", "dependencies": results},
            status_code=200 if up else 503,
            headers={"Cache-Control": "no-store"},
        )

    async def alive(_: Request) -> JSONResponse:
        return JSONResponse({"status": "UP"}, headers={"Cache-Control": "no-store"})

    return Starlette(routes=[Route("/health/dependencies", dependencies), Route("/health", alive)])


def main() -> None:
    targets = parse_targets(os.environ.get("DEPENDENCY_TARGETS", ""))
    port = int(os.environ.get("PORT", "8090"))
    uvicorn.run(create_app(targets), host=os.environ.get("HOST", "127.0.0.1"), port=port)


if __name__ == "__main__":
    main()
