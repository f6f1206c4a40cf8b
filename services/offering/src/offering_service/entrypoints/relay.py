"""The outbox relay process: `python -m offering_service.entrypoints.relay`."""

from __future__ import annotations

import asyncio

from catalog_chassis.outbox.relay import run_relay
from offering_service.config import OfferingSettings


def main() -> None:
    asyncio.run(run_relay(OfferingSettings()))


if __name__ == "__main__":
    main()
