"""Publishing answers once the request is committed: a slow process engine never holds up the
202 (beyond the edge's read timeout it would turn an accepted publication into a 503), and the
saga is started beside the response."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from catalog_testing import serving_app
from offering_service.application.publication import PublicationRequest
from offering_service.config import OfferingSettings
from offering_service.entrypoints.api import create_app

pytestmark = pytest.mark.component


class SlowEngine:
    """A process engine whose starts wait until the test opens :attr:`gate`."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.asked: list[uuid.UUID] = []
        self.done: list[uuid.UUID] = []

    async def start(self, request: PublicationRequest) -> None:
        self.asked.append(request.saga_id)
        await self.gate.wait()
        self.done.append(request.saga_id)

    async def started(self, request: PublicationRequest) -> bool:
        return request.saga_id in self.done


async def until(condition, within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "not in time"
        await asyncio.sleep(0.02)


def slow_engine_app(database_url, pricing_url, tokens, engine: SlowEngine):
    settings = OfferingSettings(
        database_url=database_url,
        environment="development",
        pricing_url=pricing_url,
        specification_url="http://127.0.0.1:9",
        camunda_url=None,
    )
    return create_app(settings, token_verifier=tokens.verifier, saga_engine=engine)


async def a_draft(client: httpx.AsyncClient, known_specification, new_price) -> dict:
    draft = {
        "name": f"Fibre {uuid.uuid4().hex[:8]}",
        "specificationIds": [await known_specification()],
        "priceIds": [(await new_price())["id"]],
        "salesChannels": ["ONLINE"],
    }
    created = await client.post("/api/v1/offerings", json=draft)
    assert created.status_code == 201, created.text
    return created.json()


async def test_publish_answers_202_while_the_engine_is_still_starting_the_saga(
    database_url, pricing_url, tokens, admin, known_specification, new_price, sql
):
    engine = SlowEngine()
    application = slow_engine_app(database_url, pricing_url, tokens, engine)
    try:
        async with (
            serving_app(application) as url,
            httpx.AsyncClient(base_url=url, headers=admin, timeout=10) as client,
        ):
            created = await a_draft(client, known_specification, new_price)

            published = await client.post(f"/api/v1/offerings/{created['id']}/publish")

            assert published.status_code == 202, published.text
            saga_id = uuid.UUID(published.json()["sagaId"])
            assert engine.done == []  # answered before the engine did

            async def asked() -> bool:
                return engine.asked == [saga_id]

            await until(asked)
            engine.gate.set()

            async def request_done() -> bool:
                rows = await sql(
                    "SELECT 1 FROM publication_requests WHERE saga_id = :id", id=saga_id
                )
                return rows == []

            await until(request_done)
            assert engine.done == [saga_id]
    finally:
        await application.state.container.aclose()


async def test_more_publications_than_database_connections_all_answer_while_the_engine_is_slow(
    database_url, pricing_url, tokens, admin, known_specification, new_price, sql
):
    """Each start holds a connection while the engine works on it: unbounded, 20 slow starts
    took the pool's 15 connections and the publications behind them timed out (503)."""
    engine = SlowEngine()
    application = slow_engine_app(database_url, pricing_url, tokens, engine)
    try:
        async with (
            serving_app(application) as url,
            # Longer than the pool's 10 s wait for a connection: a starved request shows as
            # that 503, not as this client's timeout.
            httpx.AsyncClient(base_url=url, headers=admin, timeout=30) as client,
        ):
            drafts = [await a_draft(client, known_specification, new_price) for _ in range(20)]

            published = await asyncio.gather(
                *(client.post(f"/api/v1/offerings/{d['id']}/publish") for d in drafts)
            )

            assert [answer.status_code for answer in published] == [202] * 20, [
                answer.text for answer in published if answer.status_code != 202
            ]
            read = await client.get(f"/api/v1/offerings/{drafts[0]['id']}")
            assert read.status_code == 200, read.text  # the pool still serves reads
            assert read.json()["lifecycleStatus"] == "PUBLISHING"
            assert engine.done == []  # every answer came while the engine held its starts

            engine.gate.set()

            async def all_started() -> bool:
                return len(engine.done) == 20

            await until(all_started, within=20)
    finally:
        await application.state.container.aclose()
