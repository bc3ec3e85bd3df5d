"""Schools: the academy's data-protection officer's address (dpo_email), printed in the
documents' personal-data clause (RGPD art. 13 1. b).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain nullable column: SQLite adds it without rebuilding the table.
    op.add_column("schools", sa.Column("dpo_email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("dpo_email")
