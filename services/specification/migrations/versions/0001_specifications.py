"""specifications, the characteristic cache, offering usages and the chassis tables

Revision ID: 0001
Revises:
Create Date: 2026-11-21
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


def upgrade() -> None:
    op.create_table(
        "specifications",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("description", sa.String(2000), nullable=True),
        sa.Column("characteristic_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name_key", name="uq_specifications_name_key"),
    )
    op.create_index(
        "ix_specifications_characteristic_ids",
        "specifications",
        ["characteristic_ids"],
        postgresql_using="gin",
    )
    op.create_table(
        "cached_characteristics",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("value", sa.String(100), nullable=False),
        sa.Column("unit_of_measure", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "removed_characteristics",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "specification_usages",
        sa.Column("specification_id", sa.Uuid(), primary_key=True),
        sa.Column("offering_id", sa.Uuid(), primary_key=True),
        sa.Column("offering_name", sa.String(200), nullable=False),
    )
    op.create_index("ix_specification_usages_offering_id", "specification_usages", ["offering_id"])
    create_chassis_tables(op)


def downgrade() -> None:
    drop_chassis_tables(op)
    op.drop_index("ix_specification_usages_offering_id", table_name="specification_usages")
    op.drop_table("specification_usages")
    op.drop_table("removed_characteristics")
    op.drop_table("cached_characteristics")
    op.drop_index("ix_specifications_characteristic_ids", table_name="specifications")
    op.drop_table("specifications")
