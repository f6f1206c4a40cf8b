"""`database_engine` names its connections after the service and the process's role."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from catalog_chassis.db import database_engine
from catalog_chassis.settings import ServiceSettings

pytestmark = pytest.mark.integration


async def application_name(settings: ServiceSettings, role: str) -> str:
    engine = database_engine(settings, role=role)
    try:
        async with engine.connect() as connection:
            name = await connection.execute(text("SELECT current_setting('application_name')"))
            return str(name.scalar_one())
    finally:
        await engine.dispose()


@pytest.mark.parametrize(("role", "expected"), [("", "gadgets"), ("relay", "gadgets-relay")])
async def test_connections_carry_the_service_and_role(
    chassis_database_url: str, role: str, expected: str
) -> None:
    settings = ServiceSettings(service_name="gadgets", database_url=chassis_database_url)

    assert await application_name(settings, role) == expected
