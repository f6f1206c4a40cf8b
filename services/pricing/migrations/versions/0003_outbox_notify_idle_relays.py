"""the outbox trigger notifies only a relay waiting for work (writers no longer serialize
on NOTIFY while a relay is busy)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

from catalog_chassis.migrations import notify_on_every_write, notify_only_idle_relays

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    notify_only_idle_relays(op)


def downgrade() -> None:
    notify_on_every_write(op)
