"""compiled_once: a PostgreSQL upsert as text SQLAlchemy caches, meaning what it meant."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    bindparam,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import asyncpg, insert
from sqlalchemy.exc import InvalidRequestError

from catalog_chassis.db import compiled_once

ITEMS = Table(
    "items",
    MetaData(),
    Column("id", Uuid, primary_key=True),
    Column("name", String(50)),
    Column("version", Integer),
)


def _upsert() -> object:
    statement = insert(ITEMS).values(id=bindparam("id"), name=bindparam("name"), version=3)
    return statement.on_conflict_do_update(
        index_elements=[ITEMS.c.id],
        set_={"version": func.greatest(ITEMS.c.version, statement.excluded.version)},
        where=ITEMS.c.version < statement.excluded.version,
    ).returning(ITEMS.c.id)


def test_sqlalchemy_does_not_cache_a_postgresql_upsert_but_caches_it_compiled_once() -> None:
    upsert = _upsert()

    assert upsert._generate_cache_key() is None  # type: ignore[attr-defined]
    assert compiled_once(upsert)._generate_cache_key() is not None  # type: ignore[arg-type]


def test_the_text_is_the_statement_for_the_executing_dialect() -> None:
    sql = str(compiled_once(_upsert()).compile(dialect=asyncpg.dialect()))  # type: ignore[arg-type]

    assert sql == (
        "INSERT INTO items (id, name, version) VALUES ($1::UUID, $2::VARCHAR, $3::INTEGER)"
        " ON CONFLICT (id) DO UPDATE SET version = greatest(items.version, excluded.version)"
        " WHERE items.version < excluded.version RETURNING items.id"
    )


def test_parameters_keep_their_types_and_literals_their_values() -> None:
    compiled = compiled_once(_upsert()).compile(dialect=asyncpg.dialect())  # type: ignore[arg-type]
    item = uuid.uuid4()

    params = compiled.construct_params({"id": item, "name": "fiber"})

    assert params == {"id": item, "name": "fiber", "version": 3}
    assert isinstance(compiled.binds["id"].type, Uuid)
    with pytest.raises(InvalidRequestError, match="A value is required for bind parameter 'id'"):
        compiled.construct_params({"name": "fiber"})


def test_a_cast_written_in_the_statement_is_kept_not_read_as_a_parameter() -> None:
    statement = insert(ITEMS).values(id=bindparam("id"), name=literal_column("'x'::varchar"))

    sql = str(compiled_once(statement).compile(dialect=asyncpg.dialect()))

    assert sql == "INSERT INTO items (id, name) VALUES ($1::UUID, 'x'::varchar)"


def test_an_expanding_parameter_is_refused() -> None:
    statement = insert(ITEMS).from_select(
        ["id"], select(ITEMS.c.id).where(ITEMS.c.id.in_(bindparam("ids", expanding=True)))
    )

    with pytest.raises(ValueError, match="expanding parameter 'ids'"):
        compiled_once(statement)
