"""Tests that need infrastructure fail, naming the setting, when it is not configured: a
missing setting must never turn into a skipped (and so silently passing) test."""

from __future__ import annotations

from pathlib import Path

import pytest

import catalog_testing as testing
from catalog_testing import migrated_database, platform_setting, throwaway_database


@pytest.fixture
def no_platform_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Neither .local/platform.env nor the variables it sets."""
    monkeypatch.setattr(testing, "_platform_env_file", lambda: None)
    for name in ("POSTGRES_ADMIN_URL", "RABBITMQ_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_missing_setting_fails_the_test_naming_the_setting(no_platform_env) -> None:
    with pytest.raises(pytest.fail.Exception, match="POSTGRES_ADMIN_URL is not set"):
        platform_setting("POSTGRES_ADMIN_URL")


def test_a_missing_setting_with_a_default_gives_the_default(no_platform_env) -> None:
    assert platform_setting("RABBITMQ_URL", "amqp://fallback/") == "amqp://fallback/"


def test_the_environment_wins_over_the_platform_env_file(no_platform_env, tmp_path: Path) -> None:
    env_file = tmp_path / "platform.env"
    env_file.write_text("# comment\nPOSTGRES_ADMIN_URL='postgresql://file/db'\nRABBITMQ_URL=x\n")
    no_platform_env.setattr(testing, "_platform_env_file", lambda: env_file)
    no_platform_env.setenv("RABBITMQ_URL", "amqp://environment/")

    assert platform_setting("POSTGRES_ADMIN_URL") == "postgresql://file/db"
    assert platform_setting("RABBITMQ_URL") == "amqp://environment/"


async def test_a_throwaway_database_without_postgres_settings_fails(no_platform_env) -> None:
    with pytest.raises(pytest.fail.Exception, match="POSTGRES_ADMIN_URL is not set"):
        async with throwaway_database():
            pass


async def test_a_migrated_database_without_postgres_settings_fails(
    no_platform_env, tmp_path: Path
) -> None:
    with pytest.raises(pytest.fail.Exception, match="POSTGRES_ADMIN_URL is not set"):
        async with migrated_database(tmp_path):
            pass
