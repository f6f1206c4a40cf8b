import pytest

from catalog_chassis.db import asyncpg_url, libpq_dsn


@pytest.mark.parametrize(
    "given",
    [
        "postgresql://u:p@db:5432/app",
        "postgres://u:p@db:5432/app",
        "postgresql+psycopg://u:p@db:5432/app",
        "postgresql+asyncpg://u:p@db:5432/app",
    ],
)
def test_any_postgres_url_flavour_becomes_an_asyncpg_url(given):
    assert asyncpg_url(given) == "postgresql+asyncpg://u:p@db:5432/app"


def test_libpq_sslmode_becomes_the_ssl_argument_of_sqlalchemys_asyncpg_dialect():
    assert asyncpg_url("postgresql://u:p@db/app?sslmode=require") == (
        "postgresql+asyncpg://u:p@db/app?ssl=require"
    )


def test_the_plain_dsn_for_asyncpg_speaks_libpqs_sslmode():
    assert libpq_dsn("postgresql+asyncpg://u:p@db/app?ssl=disable") == (
        "postgresql://u:p@db/app?sslmode=disable"
    )
    assert libpq_dsn("postgresql+asyncpg://u:p@db/app?sslmode=verify-full") == (
        "postgresql://u:p@db/app?sslmode=verify-full"
    )


def test_passwords_survive_both_conversions():
    url = "postgresql://user:s3cr%40t@db/app"
    assert "s3cr%40t" in asyncpg_url(url) and "s3cr%40t" in libpq_dsn(url)
