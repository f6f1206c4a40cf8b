"""The write services over HTTP (chassis ServiceClient: timeouts, circuit breaker, trace
and correlation headers), read with the store's own service token."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from catalog_chassis.errors import ServiceUnavailable
from catalog_chassis.http_client import ServiceClient
from catalog_chassis.references import MalformedSnapshot
from catalog_chassis.service_auth import ServiceToken
from store_service.domain.documents import Component, Kind

PATHS = {
    Kind.CHARACTERISTIC: "/api/v1/characteristics",
    Kind.SPECIFICATION: "/api/v1/specifications",
    Kind.PRICE: "/api/v1/prices",
    Kind.OFFERING: "/api/v1/offerings",
}
PAGE_SIZE = 100


class HttpCatalog:
    def __init__(self, clients: Mapping[Kind, ServiceClient], token: ServiceToken) -> None:
        self._clients = clients
        self._token = token

    async def fetch(self, kind: Kind, component_id: uuid.UUID) -> Component | None:
        client = self._clients[kind]
        response = await client.get(
            f"{PATHS[kind]}/{component_id}", headers=await self._authorization()
        )
        if response.status_code == 404:
            return None
        return self._component(kind, client, self._body(client, response))

    def published_offerings(self) -> AsyncIterator[Component]:
        return self._pages(Kind.OFFERING, {"lifecycleStatus": "PUBLISHED"})

    def listed(self, kind: Kind) -> AsyncIterator[Component]:
        return self._pages(kind, {})

    async def _pages(self, kind: Kind, filters: Mapping[str, str]) -> AsyncIterator[Component]:
        client = self._clients[kind]
        offset = 0
        while True:
            response = await client.get(
                PATHS[kind],
                params={**filters, "limit": PAGE_SIZE, "offset": offset},
                headers=await self._authorization(),
            )
            page = self._body(client, response)
            for item in page["items"]:
                yield self._component(kind, client, item)
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return

    def _body(self, client: ServiceClient, response: httpx.Response) -> Any:
        """The body of a 200; any other answer is the owner's failure to say."""
        if response.status_code == 401:
            self._token.forget()  # perhaps rotated keys: log in afresh next time
        if response.status_code != 200:
            raise ServiceUnavailable(f"{client.name} answered HTTP {response.status_code}")
        return response.json()

    async def _authorization(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self._token()}"}

    @staticmethod
    def _component(kind: Kind, client: ServiceClient, body: object) -> Component:
        try:
            if not isinstance(body, dict):
                raise MalformedSnapshot(f"not an object: {body!r:.80}")
            return Component.from_snapshot(kind, body)
        except MalformedSnapshot as error:
            raise ServiceUnavailable(f"{client.name} answered with an unexpected body") from error

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        await self._token.aclose()
