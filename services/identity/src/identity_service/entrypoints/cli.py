"""Operational commands: `python -m identity_service.entrypoints.cli seed`."""

from __future__ import annotations

import argparse
import asyncio
import logging

from identity_service.bootstrap import bootstrap
from identity_service.domain.model import Role

DEMO_USERS = (("admin", "admin", Role.ADMIN), ("user", "user", Role.USER))

logger = logging.getLogger("identity_service.seed")


async def seed() -> None:
    container = bootstrap()
    try:
        if not container.settings.seed_demo_users:
            logger.info("demo users are switched off (SEED_DEMO_USERS=false)")
            return
        for username, password, role in DEMO_USERS:
            created = await container.identity.ensure_demo_user(username, password, role)
            logger.info("demo user %s %s", username, "created" if created else "already exists")
    finally:
        await container.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="identity")
    parser.add_argument("command", choices=["seed"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "seed":
        asyncio.run(seed())


if __name__ == "__main__":
    main()
