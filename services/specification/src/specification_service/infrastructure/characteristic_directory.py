"""Asking the characteristic service about a characteristic the cache has not heard of."""

from __future__ import annotations

import uuid

from catalog_chassis.errors import ServiceUnavailable
from catalog_chassis.http_client import ServiceClient
from specification_service.domain.characteristics import KnownCharacteristic, MalformedSnapshot

CHARACTERISTICS_PATH = "/api/v1/characteristics"


class HttpCharacteristicDirectory:
    """GET /api/v1/characteristics/{id} through the chassis ServiceClient, which adds
    timeouts, the circuit breaker and the correlation and trace headers."""

    def __init__(self, client: ServiceClient) -> None:
        self._client = client

    async def find(
        self, characteristic_id: uuid.UUID, *, credentials: str | None
    ) -> KnownCharacteristic | None:
        # The characteristic API wants an authenticated caller: the lookup is theirs.
        headers = {"Authorization": f"Bearer {credentials}"} if credentials else {}
        response = await self._client.get(
            f"{CHARACTERISTICS_PATH}/{characteristic_id}", headers=headers
        )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            # Not the caller's mistake (their token was good enough for us): we cannot tell.
            raise ServiceUnavailable(
                f"{self._client.name} answered HTTP {response.status_code} to a lookup"
            )
        try:
            return KnownCharacteristic.from_snapshot(response.json())
        except (ValueError, MalformedSnapshot) as error:
            raise ServiceUnavailable(
                f"{self._client.name} answered a lookup with an unexpected body"
            ) from error

    async def aclose(self) -> None:
        await self._client.aclose()
