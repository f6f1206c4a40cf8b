"""Liveness and readiness endpoints.

`/health` only says the process serves HTTP (restart me if not). `/health/ready` runs the
service's dependency checks concurrently, each with its own timeout, and answers 503 when
any fails, so load balancers and the platform scripts hold traffic until all are up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import aio_pika
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

# A check returns when the dependency is usable and raises otherwise; what it returns
# (if anything) is reported beside its status, e.g. a queue's depth.
ReadinessCheck = Callable[[], Awaitable[Mapping[str, Any] | None]]

DEFAULT_CHECK_TIMEOUT_SECONDS = 3.0


async def _run_check(check: ReadinessCheck, timeout_seconds: float) -> dict[str, Any]:
    try:
        details = await asyncio.wait_for(check(), timeout_seconds)
    except TimeoutError:
        return {"status": "DOWN", "error": f"timed out after {timeout_seconds:g} s"}
    except Exception as error:
        return {"status": "DOWN", "error": f"{type(error).__name__}: {error}"}
    return {"status": "UP", **(details or {})}


async def run_checks(
    checks: Mapping[str, ReadinessCheck],
    timeout_seconds: float = DEFAULT_CHECK_TIMEOUT_SECONDS,
) -> dict[str, dict[str, Any]]:
    names = list(checks)
    results = await asyncio.gather(*(_run_check(checks[name], timeout_seconds) for name in names))
    return dict(zip(names, results, strict=True))


def health_router(
    checks: Mapping[str, ReadinessCheck] | None = None,
    *,
    timeout_seconds: float = DEFAULT_CHECK_TIMEOUT_SECONDS,
) -> APIRouter:
    readiness_checks = dict(checks or {})
    router = APIRouter(prefix="/health", tags=["health"])

    @router.get("", summary="Liveness")
    async def liveness() -> dict[str, str]:
        return {"status": "UP"}

    @router.get("/ready", summary="Readiness", responses={503: {"description": "Not ready"}})
    async def readiness() -> JSONResponse:
        results = await run_checks(readiness_checks, timeout_seconds)
        ready = all(result["status"] == "UP" for result in results.values())
        return JSONResponse(
            {"status": "UP" if ready else "DOWN", "checks": results},
            status_code=200 if ready else 503,
        )

    return router


def postgres_check(engine: AsyncEngine) -> ReadinessCheck:
    async def check() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return check


def queue_depths_check(url: str, queues: Sequence[str]) -> ReadinessCheck:
    """Report how many messages wait in each of ``queues`` (a consumer's backlog); DOWN
    when RabbitMQ cannot be asked. A queue not declared yet counts as empty."""

    async def check() -> dict[str, Any]:
        connection = await aio_pika.connect(url)
        depths: dict[str, int] = {}
        try:
            for name in queues:
                channel = await connection.channel()
                try:
                    queue = await channel.declare_queue(name, passive=True)
                    depths[name] = int(queue.declaration_result.message_count or 0)
                except aio_pika.exceptions.ChannelClosed:
                    depths[name] = 0
        finally:
            await connection.close()
        return {"queueDepths": depths}

    return check
