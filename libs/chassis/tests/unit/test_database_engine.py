"""A service process without DATABASE_URL refuses to start, saying which process needed it."""

from __future__ import annotations

import pytest

from catalog_chassis.db import database_engine, required_database_url
from catalog_chassis.settings import ServiceSettings

WITHOUT_DATABASE = ServiceSettings(service_name="gadgets", database_url=None)


def test_the_api_process_names_only_the_service() -> None:
    with pytest.raises(RuntimeError, match=r"^gadgets: DATABASE_URL is required$"):
        database_engine(WITHOUT_DATABASE)


def test_another_process_names_its_role() -> None:
    with pytest.raises(RuntimeError, match=r"^gadgets: DATABASE_URL is required by the relay$"):
        required_database_url(WITHOUT_DATABASE, role="relay")


def test_the_configured_url_is_returned_as_plain_text() -> None:
    settings = ServiceSettings(service_name="gadgets", database_url="postgresql://u:p@h/db")

    assert required_database_url(settings) == "postgresql://u:p@h/db"
