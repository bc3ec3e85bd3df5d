"""A paper signature's scan, kept with its signer: ``signers.paper_scan`` (issue 14 §2).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("signers", sa.Column("paper_scan", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signers") as batch:
        batch.drop_column("paper_scan")
