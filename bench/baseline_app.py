"""The baseline of bench/api_vs_baseline.py: a minimal FastAPI + asyncpg app serving the
characteristic API's shape with one statement per request and nothing else (no auth, no
outbox, no tracing, no logging of requests, no validation beyond pydantic).

    BASELINE_DATABASE_URL=postgresql://... uvicorn bench.baseline_app:app --port 18102
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
from fastapi import FastAPI, HTTPException, Response
from pydantic import BaseModel

SCHEMA = """
CREATE TABLE IF NOT EXISTS characteristics (
    id uuid PRIMARY KEY,
    name varchar(200) NOT NULL,
    name_key varchar(200) NOT NULL UNIQUE,
    value varchar(100) NOT NULL,
    unit_of_measure varchar(16) NOT NULL,
    version integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
)
"""
COLUMNS = "id, name, value, unit_of_measure, version, created_at, updated_at"


class NewCharacteristic(BaseModel):
    name: str
    value: str
    unitOfMeasure: str


def public(row: asyncpg.Record) -> dict[str, object]:
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "value": row["value"],
        "unitOfMeasure": row["unit_of_measure"],
        "version": row["version"],
        "createdAt": row["created_at"].isoformat(),
        "updatedAt": row["updated_at"].isoformat(),
    }


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = await asyncpg.create_pool(os.environ["BASELINE_DATABASE_URL"], min_size=5, max_size=10)
    async with pool.acquire() as connection:
        await connection.execute(SCHEMA)
    app.state.pool = pool
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "UP"}


@app.post("/api/v1/characteristics", status_code=201)
async def create(body: NewCharacteristic, response: Response) -> dict[str, object]:
    now = datetime.now(UTC)
    try:
        row = await app.state.pool.fetchrow(
            f"INSERT INTO characteristics ({COLUMNS}, name_key) "  # noqa: S608 - constants
            "VALUES ($1, $2, $3, $4, 1, $5, $5, $6) "
            f"RETURNING {COLUMNS}",
            uuid.uuid4(),
            body.name,
            body.value,
            body.unitOfMeasure,
            now,
            body.name.casefold(),
        )
    except asyncpg.UniqueViolationError as error:
        raise HTTPException(409, "name taken") from error
    response.headers["Location"] = f"/api/v1/characteristics/{row['id']}"
    return public(row)


@app.get("/api/v1/characteristics/{characteristic_id}")
async def read(characteristic_id: uuid.UUID) -> dict[str, object]:
    row = await app.state.pool.fetchrow(
        f"SELECT {COLUMNS} FROM characteristics WHERE id = $1",  # noqa: S608 - constants
        characteristic_id,
    )
    if row is None:
        raise HTTPException(404, "not found")
    return public(row)


@app.get("/api/v1/characteristics")
async def page(response: Response, limit: int = 20, offset: int = 0) -> list[dict[str, object]]:
    rows = await app.state.pool.fetch(
        f"SELECT {COLUMNS}, count(*) OVER () AS total FROM characteristics "  # noqa: S608
        "ORDER BY name_key, id LIMIT $1 OFFSET $2",
        limit,
        offset,
    )
    response.headers["X-Total-Count"] = str(rows[0]["total"] if rows else 0)
    return [public(row) for row in rows]
