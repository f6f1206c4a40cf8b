"""The identity app in-process against a migrated throwaway Postgres database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from joserfc.jwk import RSAKey

from catalog_testing import client, migrated_database
from identity_service.config import IdentitySettings
from identity_service.entrypoints.api import create_app
from identity_service.entrypoints.cli import DEMO_USERS
from identity_service.infrastructure.keys import SigningKeys

# The chassis' fixtures these tests use (see catalog_testing).
__all__ = ["client"]

SERVICE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def private_key_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("jwt") / "private.pem"
    path.write_bytes(RSAKey.generate_key(2048).as_pem(private=True))
    return path


@pytest.fixture(scope="session")
async def app(private_key_file):
    async with migrated_database(SERVICE_DIR, prefix="identity_test") as database_url:
        settings = IdentitySettings(
            database_url=database_url,
            jwt_private_key_file=private_key_file,
            environment="development",
        )
        application = create_app(settings)
        container = application.state.container
        for username, password, role in DEMO_USERS:
            await container.identity.ensure_demo_user(username, password, role)
        yield application
        await container.engine.dispose()


@pytest.fixture
def signing_key(private_key_file) -> Callable[[dict], str]:
    """Sign arbitrary claims with the service's real key (to test claim checks alone)."""
    keys = SigningKeys.from_files(private_key_file)
    return keys.sign
