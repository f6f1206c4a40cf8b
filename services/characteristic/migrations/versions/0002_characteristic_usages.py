"""which specifications use each characteristic (reference integrity)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "characteristic_usages",
        sa.Column("characteristic_id", sa.Uuid(), primary_key=True),
        sa.Column("specification_id", sa.Uuid(), primary_key=True),
        sa.Column("specification_name", sa.String(200), nullable=False),
    )
    op.create_index(
        "ix_characteristic_usages_specification_id",
        "characteristic_usages",
        ["specification_id"],
    )
    op.create_table(
        "specification_versions",
        sa.Column("specification_id", sa.Uuid(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("specification_versions")
    op.drop_index("ix_characteristic_usages_specification_id", table_name="characteristic_usages")
    op.drop_table("characteristic_usages")
