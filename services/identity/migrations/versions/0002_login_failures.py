"""login failures per (username, client address) and per username, replacing failed_logins

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
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
        "login_failures",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("client", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_failures_last_failure_at", "login_failures", ["last_failure_at"])
    # Counts kept per username only cannot be split by client: they start afresh.
    op.drop_table("failed_logins")


def downgrade() -> None:
    op.create_table(
        "failed_logins",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.drop_index("ix_login_failures_last_failure_at", table_name="login_failures")
    op.drop_table("login_failures")
