"""The chassis' HTTP client side of a service-to-service call: CPU per request of an httpx
client (the one under ServiceClient, the engine client and the store's catalog reads) against
a server that costs next to nothing, the local edge's own `/health`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import httpx


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8080/health")
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    async with httpx.AsyncClient() as client:
        for _ in range(200):  # connections and imports warm
            (await client.get(args.url)).raise_for_status()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(args.requests):
            await client.get(args.url)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    figures = {
        "benchmark": "http_client",
        "requests": args.requests,
        "client_cpu_ms_per_request": round(cpu / args.requests * 1e3, 3),
        "wall_ms_per_request": round(wall / args.requests * 1e3, 3),
        # httpcore asks sniffio which async library runs, on every lock and request.
        "sniffio": "sniffio" in sys.modules,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
