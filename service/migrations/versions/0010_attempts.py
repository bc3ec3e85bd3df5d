"""Failed guesses per address (signing links, API tokens, one-time codes): ``attempts``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = sa.DateTime(timezone=True)
KINDS = ("link", "bearer", "code")
"""`service.attempts.models.AttemptKind` as of this revision."""


def upgrade() -> None:
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.CheckConstraint(
            f"kind IN ({', '.join(repr(k) for k in KINDS)})", name=op.f("ck_attempts_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempts")),
    )
    op.create_index("ix_attempts_kind_address_at", "attempts", ["kind", "address", "at"])


def downgrade() -> None:
    op.drop_index("ix_attempts_kind_address_at", table_name="attempts")
    op.drop_table("attempts")
