"""One-time codes typed before signing (``signing_codes``) and, per school, the roles asked
one (``schools.code_roles``, NULL for the default).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "signing_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("sent_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("used_at", MOMENT, nullable=True),
        sa.ForeignKeyConstraint(
            ["signer_id"], ["signers.id"], name=op.f("fk_signing_codes_signer_id_signers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_codes")),
    )
    op.create_index(op.f("ix_signing_codes_signer_id"), "signing_codes", ["signer_id"])
    # A plain ADD COLUMN: a batch rebuild of `schools` would break the foreign keys to it.
    op.add_column("schools", sa.Column("code_roles", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("code_roles")
    op.drop_index(op.f("ix_signing_codes_signer_id"), table_name="signing_codes")
    op.drop_table("signing_codes")
