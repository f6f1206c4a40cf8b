"""offerings, the caches of known specifications and prices, and the chassis tables

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from catalog_chassis.migrations import create_chassis_tables, drop_chassis_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CACHES = (("known_specifications", "removed_specifications"), ("known_prices", "removed_prices"))


def upgrade() -> None:
    op.create_table(
        "offerings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("description", sa.String(2000), nullable=True),
        sa.Column("specification_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("price_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("sales_channels", postgresql.ARRAY(sa.String(32)), nullable=False),
        sa.Column("lifecycle_status", sa.String(16), nullable=False),
        sa.Column("publication_failure_reason", sa.String(2000), nullable=True),
        sa.Column("saga_id", sa.Uuid(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name_key", name="uq_offerings_name_key"),
    )
    op.create_index("ix_offerings_lifecycle_status", "offerings", ["lifecycle_status"])
    for known, removed in CACHES:
        op.create_table(
            known,
            sa.Column("id", sa.Uuid(), primary_key=True),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
        )
        op.create_table(
            removed,
            sa.Column("id", sa.Uuid(), primary_key=True),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        )
    create_chassis_tables(op)


def downgrade() -> None:
    drop_chassis_tables(op)
    for known, removed in reversed(CACHES):
        op.drop_table(removed)
        op.drop_table(known)
    op.drop_index("ix_offerings_lifecycle_status", table_name="offerings")
    op.drop_table("offerings")
