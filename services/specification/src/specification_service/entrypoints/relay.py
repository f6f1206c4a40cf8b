"""The outbox relay process: `python -m specification_service.entrypoints.relay`."""

from __future__ import annotations

import asyncio

from catalog_chassis.outbox.relay import run_relay
from specification_service.config import SpecificationSettings


def main() -> None:
    asyncio.run(run_relay(SpecificationSettings()))


if __name__ == "__main__":
    main()
