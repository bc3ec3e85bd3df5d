"""A document sealed while no timestamp authority answered is marked ``timestamp_pending``;
the worker then adds a document timestamp, which makes a new final PDF. The earlier final
files (mailed to the parties) are kept in ``earlier_final_files``, so they are still
recognised as the document's.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite has it): a batch would rebuild `documents`, which the rows of
    # signers and events point at.
    op.add_column(
        "documents",
        sa.Column("timestamp_pending", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "earlier_final_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("replaced_by_sha256", sa.String(length=64), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_earlier_final_files_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_earlier_final_files")),
    )
    op.create_index(
        op.f("ix_earlier_final_files_document_id"), "earlier_final_files", ["document_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_earlier_final_files_document_id"), table_name="earlier_final_files")
    op.drop_table("earlier_final_files")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("timestamp_pending")
