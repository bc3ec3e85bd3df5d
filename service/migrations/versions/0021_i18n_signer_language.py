"""The language of a signer's pages and mails: ``signers.language`` (issue 14 §8).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signers") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=5), nullable=False, server_default="fr")
        )


def downgrade() -> None:
    with op.batch_alter_table("signers") as batch:
        batch.drop_column("language")
