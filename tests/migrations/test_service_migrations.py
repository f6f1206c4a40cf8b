"""Every service's Alembic migrations (each directory under services/ with an alembic.ini,
so that a new service is covered without a change here): they go down and up again cleanly,
and they build what the service's models declare (``alembic check``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_testing import (
    assert_migrations_round_trip,
    assert_models_match_migrations,
    migrated_database,
)

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SERVICE_DIRS = sorted(ini.parent for ini in REPO.glob("services/*/alembic.ini"))


def test_every_service_is_found() -> None:
    assert len(SERVICE_DIRS) >= 5, SERVICE_DIRS


@pytest.mark.parametrize("service_dir", SERVICE_DIRS, ids=lambda path: path.name)
async def test_upgrade_downgrade_upgrade_on_an_empty_database(service_dir: Path) -> None:
    await assert_migrations_round_trip(service_dir)


@pytest.mark.parametrize("service_dir", SERVICE_DIRS, ids=lambda path: path.name)
async def test_the_models_match_the_migrations(service_dir: Path) -> None:
    async with migrated_database(service_dir, prefix=f"{service_dir.name}_check") as url:
        assert_models_match_migrations(service_dir, url)
