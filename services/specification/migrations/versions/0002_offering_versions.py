"""the newest version seen of each offering (reference integrity; specification_usages,
which 0001 made, holds the usages)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

from catalog_chassis.usage_tables import create_versions_table, drop_versions_table

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_versions_table(op, referrer="offering")


def downgrade() -> None:
    drop_versions_table(op, referrer="offering")
