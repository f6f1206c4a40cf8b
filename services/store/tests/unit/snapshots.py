"""Snapshots as the write services' events carry them (camelCase ``data``)."""

from __future__ import annotations

import uuid
from typing import Any


def characteristic(cid: uuid.UUID, version: int = 1, value: str = "100", **extra: Any) -> dict:
    return {
        "id": str(cid),
        "name": extra.pop("name", "Download speed"),
        "value": value,
        "unitOfMeasure": extra.pop("unit", "Mbps"),
        "version": version,
        **extra,
    }


def specification(sid: uuid.UUID, characteristic_ids: list[uuid.UUID], version: int = 1) -> dict:
    return {
        "id": str(sid),
        "name": "Fibre home",
        "description": "Fast",
        "characteristicIds": [str(c) for c in characteristic_ids],
        "version": version,
    }


def price(pid: uuid.UUID, version: int = 1, value: str = "29.99", currency: str = "EUR") -> dict:
    return {
        "id": str(pid),
        "name": "Monthly",
        "value": value,
        "unit": "per month",
        "currency": currency,
        "version": version,
    }


def offering(
    oid: uuid.UUID,
    spec_ids: list[uuid.UUID],
    price_ids: list[uuid.UUID],
    status: str = "PUBLISHED",
    version: int = 4,
) -> dict:
    return {
        "id": str(oid),
        "name": "Fibre 100 home",
        "description": "Home internet",
        "specificationIds": [str(s) for s in spec_ids],
        "priceIds": [str(p) for p in price_ids],
        "salesChannels": ["ONLINE"],
        "lifecycleStatus": status,
        "publishedAt": "2026-11-29T10:00:00Z" if status == "PUBLISHED" else None,
        "version": version,
    }
