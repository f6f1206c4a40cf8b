"""The outbox relay process: `python -m characteristic_service.entrypoints.relay`."""

from __future__ import annotations

import asyncio

from catalog_chassis.outbox.relay import run_relay
from characteristic_service.config import CharacteristicSettings


def main() -> None:
    asyncio.run(run_relay(CharacteristicSettings()))


if __name__ == "__main__":
    main()
