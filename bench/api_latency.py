"""Latency and throughput of the characteristic API on the running platform (`make up`).

Talks to the service's own port rather than the edge, whose rate limit would cap the load;
each request is real: token verification, validation, the Postgres transaction with its
outbox row. Every request loop is bounded by --requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid

import httpx


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(client: httpx.AsyncClient, requests: int, concurrency: int, make_request) -> dict:
    durations: list[float] = []
    failures = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(requests):
        queue.put_nowait(index)

    async def worker() -> None:
        nonlocal failures
        while not queue.empty():
            index = queue.get_nowait()
            started = time.perf_counter()
            response = await make_request(client, index)
            durations.append((time.perf_counter() - started) * 1000)
            if response.status_code >= 300:
                failures += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "requests_per_second": round(requests / elapsed),
        "ms_p50": round(statistics.median(durations), 2),
        "ms_p95": round(percentile(durations, 0.95), 2),
        "ms_p99": round(percentile(durations, 0.99), 2),
        "failures": failures,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--identity", default="http://127.0.0.1:8001")
    parser.add_argument("--characteristic", default="http://127.0.0.1:8002")
    args = parser.parse_args()
    async with httpx.AsyncClient(base_url=args.identity, timeout=10) as identity:
        login = await identity.post(
            "/api/v1/auth/login", json={"username": "admin", "password": "admin"}
        )
        login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    run_id = uuid.uuid4().hex[:8]
    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(
        base_url=args.characteristic, headers=headers, timeout=10, limits=limits
    ) as client:

        async def create(c: httpx.AsyncClient, index: int) -> httpx.Response:
            body = {"name": f"Bench {run_id} {index}", "value": str(index), "unitOfMeasure": "Mbps"}
            return await c.post("/api/v1/characteristics", json=body)

        async def list_page(c: httpx.AsyncClient, index: int) -> httpx.Response:
            return await c.get(
                "/api/v1/characteristics",
                params={"name": f"Bench {run_id}", "limit": 20, "offset": index % 50},
            )

        creates = await run(client, args.requests, args.concurrency, create)
        lists = await run(client, args.requests, args.concurrency, list_page)
    figures = {
        "benchmark": "api_latency",
        "requests": args.requests,
        "concurrency": args.concurrency,
        "create": creates,
        "list": lists,
    }
    for name, result in (("create", creates), ("list", lists)):
        print(
            f"characteristic {name}: {result['requests_per_second']} req/s, "
            f"p50 {result['ms_p50']} ms, p95 {result['ms_p95']} ms, p99 {result['ms_p99']} ms"
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
