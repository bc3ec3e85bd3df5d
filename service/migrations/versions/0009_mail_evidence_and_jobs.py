"""Outbox messages name the signer they are for and why (``purpose``), so the worker records
their delivery (the SMTP server's acceptance, with the message id) or their bounce in that
document's trail; ``job_runs`` keeps when each scheduled job last ran (the archive check).

Revision ID: 0009
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("signer_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("purpose", sa.String(length=20), nullable=True))
        batch.create_foreign_key("fk_outbox_signer_id_signers", "signers", ["signer_id"], ["id"])
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_job_runs"),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("fk_outbox_signer_id_signers", type_="foreignkey")
        batch.drop_column("purpose")
        batch.drop_column("signer_id")
