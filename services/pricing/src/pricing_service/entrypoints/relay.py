"""The outbox relay process: `python -m pricing_service.entrypoints.relay`."""

from __future__ import annotations

import asyncio

from catalog_chassis.outbox.relay import run_relay
from pricing_service.config import PricingSettings


def main() -> None:
    asyncio.run(run_relay(PricingSettings()))


if __name__ == "__main__":
    main()
