"""prices and the chassis tables

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from catalog_chassis.migrations import create_chassis_tables, drop_chassis_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prices",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("value", sa.Numeric(12, 2), nullable=False),
        sa.Column("unit", sa.String(50), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("locked_by_saga_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name_key", name="uq_prices_name_key"),
        sa.CheckConstraint("value > 0", name="ck_prices_value_positive"),
    )
    op.create_index("ix_prices_currency", "prices", ["currency"])
    create_chassis_tables(op)


def downgrade() -> None:
    drop_chassis_tables(op)
    op.drop_index("ix_prices_currency", table_name="prices")
    op.drop_table("prices")
