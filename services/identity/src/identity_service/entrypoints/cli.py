"""Operational commands:

- `python -m identity_service.entrypoints.cli seed`: the demo users (development only);
- `SERVICE_ACCOUNT_PASSWORD=... python -m identity_service.entrypoints.cli service-account
  NAME`: a service's own account (role USER), e.g. the store's; the password comes from the
  environment, never the command line (which other users of the machine can read).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

from identity_service.bootstrap import bootstrap
from identity_service.domain.model import Role

DEMO_USERS = (("admin", "admin", Role.ADMIN), ("user", "user", Role.USER))

logger = logging.getLogger("identity_service.seed")


class DemoUsersRefused(SystemExit):
    """Demo accounts with well-known passwords exist in development only."""


async def seed() -> None:
    container = bootstrap()
    try:
        environment = container.settings.environment
        if environment != "development":
            raise DemoUsersRefused(
                f"refusing to create the demo users admin/admin and user/user: ENVIRONMENT is "
                f"{environment!r}, and demo accounts exist in development only"
            )
        if not container.settings.seed_demo_users:
            logger.info("demo users are switched off (SEED_DEMO_USERS=false)")
            return
        for username, password, role in DEMO_USERS:
            created = await container.identity.ensure_demo_user(username, password, role)
            logger.info("demo user %s %s", username, "created" if created else "already exists")
    finally:
        await container.engine.dispose()


async def service_account(username: str, password: str) -> None:
    container = bootstrap()
    try:
        created = await container.identity.ensure_service_account(username, password)
        logger.info("service account %s %s", username, "created" if created else "already exists")
    finally:
        await container.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="identity")
    parser.add_argument("command", choices=["seed", "service-account"])
    parser.add_argument("username", nargs="?", help="the service account (service-account)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "seed":
        asyncio.run(seed())
    elif args.command == "service-account":
        password = os.environ.get("SERVICE_ACCOUNT_PASSWORD", "")
        if not args.username or len(password) < 16:
            parser.error("service-account needs NAME and SERVICE_ACCOUNT_PASSWORD (16+ characters)")
        asyncio.run(service_account(args.username, password))


if __name__ == "__main__":
    main()
