"""Publish -> PUBLISHED and publish -> searchable on the running platform (`make up`).

Each publication is the real saga: the offering API writes the start request and starts the
process on the engine; pricing locks the price, specification checks the specification, the
store composes and indexes the entry, offering confirms. Measured per offering from just
before `POST /publish` until
- `GET /api/v1/offerings/{id}` shows PUBLISHED (the saga's end), and
- `GET /api/v1/store/offerings/{id}` answers 200 (the document store) and
  `GET /api/v1/store/search?q=<its unique name word>` finds it (the search index),
checked once it is PUBLISHED (the store entry is made before the confirmation, so these are
"published and in the store" times), polled every --poll-interval seconds. `--sagas`
publications run one at a time (latency), then the same number again with --concurrency
publishers (latency under load and sagas/s).

Talks to the services' own ports (the edge's rate limit would cap the polling). Every loop
is bounded; the offerings are retired at the end (their prices unlocked, their store
entries removed). Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

SERVICES = {
    "identity": "http://127.0.0.1:8001",
    "characteristic": "http://127.0.0.1:8002",
    "specification": "http://127.0.0.1:8003",
    "pricing": "http://127.0.0.1:8004",
    "offering": "http://127.0.0.1:8005",
    "store": "http://127.0.0.1:8006",
}
DEADLINE = 30.0  # a saga not ended by then counts as a failure


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "ms_p50": round(statistics.median(values), 1),
        "ms_p95": round(percentile(values, 0.95), 1),
        "ms_p99": round(percentile(values, 0.99), 1),
        "ms_max": round(max(values), 1),
    }


@dataclass
class Outcome:
    published_ms: float | None
    document_ms: float | None
    searchable_ms: float | None
    status: str


class Platform:
    def __init__(self, headers: dict[str, str], poll_interval: float) -> None:
        self.clients = {
            name: httpx.AsyncClient(base_url=url, headers=headers, timeout=10)
            for name, url in SERVICES.items()
        }
        self.poll_interval = poll_interval

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def create(self, service: str, path: str, body: dict) -> dict:
        response = await self.clients[service].post(path, json=body)
        response.raise_for_status()
        return dict(response.json())

    async def draft(self, run_id: str, index: int, specification_id: str) -> tuple[dict, str]:
        """A complete draft with a price of its own; its unique searchable word."""
        price = await self.create(
            "pricing",
            "/api/v1/prices",
            {
                "name": f"Bench {run_id} {index}",
                "value": f"{10 + index % 90}.90",
                "unit": "per month",
                "currency": "EUR",
            },
        )
        word = f"sagabench{run_id}x{index}"
        offering = await self.create(
            "offering",
            "/api/v1/offerings",
            {
                "name": f"Bench {word}",
                "description": "Publication benchmark",
                "specificationIds": [specification_id],
                "priceIds": [price["id"]],
                "salesChannels": ["ONLINE"],
            },
        )
        return offering, word

    async def publish(self, offering: dict, word: str) -> Outcome:
        offering_id = offering["id"]
        started = time.perf_counter()
        response = await self.clients["offering"].post(f"/api/v1/offerings/{offering_id}/publish")
        response.raise_for_status()
        published_ms = document_ms = searchable_ms = None
        status = "PUBLISHING"
        # The offering first (one request per poll), then the store: polling all three
        # endpoints from every publisher would load the two cores the saga runs on.
        while time.perf_counter() - started < DEADLINE:
            elapsed = (time.perf_counter() - started) * 1000
            if published_ms is None:
                reply = await self.clients["offering"].get(f"/api/v1/offerings/{offering_id}")
                status = reply.json()["lifecycleStatus"]
                if status == "PUBLISHED":
                    published_ms = elapsed
                elif status != "PUBLISHING":
                    break
            if published_ms is not None and document_ms is None:
                found = await self.clients["store"].get(f"/api/v1/store/offerings/{offering_id}")
                if found.status_code == 200:
                    document_ms = (time.perf_counter() - started) * 1000
            if published_ms is not None and searchable_ms is None:
                search = await self.clients["store"].get(
                    "/api/v1/store/search", params={"q": word, "limit": 1}
                )
                if search.status_code == 200 and any(
                    item["id"] == offering_id for item in search.json()["items"]
                ):
                    searchable_ms = (time.perf_counter() - started) * 1000
            if None not in (published_ms, document_ms, searchable_ms):
                break
            await asyncio.sleep(self.poll_interval)
        return Outcome(published_ms, document_ms, searchable_ms, status)

    async def retire(self, offering_id: str) -> None:
        await self.clients["offering"].post(f"/api/v1/offerings/{offering_id}/retire")


async def run(platform: Platform, drafts: list[tuple[dict, str]], concurrency: int) -> dict:
    queue = list(drafts)
    outcomes: list[Outcome] = []

    async def publisher() -> None:
        while queue:
            offering, word = queue.pop()
            outcomes.append(await platform.publish(offering, word))

    started = time.perf_counter()
    await asyncio.gather(*(publisher() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "sagas_per_s": round(len(drafts) / seconds, 2),
        "failed": sum(1 for o in outcomes if o.published_ms is None),
        "published": summary([o.published_ms for o in outcomes if o.published_ms is not None]),
        "in_document_store": summary(
            [o.document_ms for o in outcomes if o.document_ms is not None]
        ),
        "searchable": summary([o.searchable_ms for o in outcomes if o.searchable_ms is not None]),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sagas", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--poll-interval", type=float, default=0.02)
    args = parser.parse_args()
    async with httpx.AsyncClient(base_url=SERVICES["identity"], timeout=10) as identity:
        login = await identity.post(
            "/api/v1/auth/login", json={"username": "admin", "password": "admin"}
        )
        login.raise_for_status()
    platform = Platform(
        {"Authorization": f"Bearer {login.json()['access_token']}"}, args.poll_interval
    )
    run_id = uuid.uuid4().hex[:8]
    try:
        characteristic = await platform.create(
            "characteristic",
            "/api/v1/characteristics",
            {"name": f"Bench speed {run_id}", "value": "500", "unitOfMeasure": "Mbps"},
        )
        specification = await platform.create(
            "specification",
            "/api/v1/specifications",
            {"name": f"Bench fibre {run_id}", "characteristicIds": [characteristic["id"]]},
        )
        drafts = [
            await platform.draft(run_id, index, specification["id"])
            for index in range(2 * args.sagas)
        ]
        # The specification must be known to the offering's cache before the drafts are
        # created (it is, by the time the first draft was accepted); warm the workers.
        sequential = await run(platform, drafts[: args.sagas], 1)
        concurrent = await run(platform, drafts[args.sagas :], args.concurrency)
    finally:
        for offering, _ in locals().get("drafts", []):
            await platform.retire(offering["id"])
        await platform.aclose()
    figures = {
        "benchmark": "publication_saga",
        "sagas": args.sagas,
        "poll_interval_ms": args.poll_interval * 1000,
        "one_at_a_time": sequential,
        "concurrent": concurrent,
    }
    print(json.dumps(figures, indent=2))
    for label, result in (
        ("1 publisher", sequential),
        (f"{args.concurrency} publishers", concurrent),
    ):
        print(
            f"{label}: published p50 {result['published'].get('ms_p50')} ms, "
            f"p99 {result['published'].get('ms_p99')} ms; searchable p99 "
            f"{result['searchable'].get('ms_p99')} ms; {result['sagas_per_s']} sagas/s, "
            f"{result['failed']} failed"
        )


if __name__ == "__main__":
    asyncio.run(main())
