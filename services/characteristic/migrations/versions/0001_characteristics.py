"""characteristics and the chassis tables

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
        "characteristics",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("value", sa.String(100), nullable=False),
        sa.Column("unit_of_measure", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name_key", name="uq_characteristics_name_key"),
    )
    op.create_index("ix_characteristics_unit_of_measure", "characteristics", ["unit_of_measure"])
    create_chassis_tables(op)


def downgrade() -> None:
    drop_chassis_tables(op)
    op.drop_index("ix_characteristics_unit_of_measure", table_name="characteristics")
    op.drop_table("characteristics")
