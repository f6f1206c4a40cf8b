"""publication requests: the sagas to start, written with the move to PUBLISHING

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "publication_requests",
        sa.Column("saga_id", sa.Uuid(), primary_key=True),
        sa.Column("offering_id", sa.Uuid(), nullable=False),
        sa.Column("variables", postgresql.JSONB(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(2000), nullable=True),
    )
    op.create_index(
        "ix_publication_requests_next_attempt_at", "publication_requests", ["next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_publication_requests_next_attempt_at", table_name="publication_requests")
    op.drop_table("publication_requests")
