"""The follow-up notes on a completed contract's objectives: ``objective_notes``.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = sa.DateTime(timezone=True)
STATUSES = ("ongoing", "reached", "partly_reached", "not_reached", "postponed")
"""`signing.follow_up.vocabulary.ObjectiveStatus` as of this revision."""


def upgrade() -> None:
    op.create_table(
        "objective_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("objective", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("note_date", sa.Date(), nullable=False),
        sa.Column("new_deadline", sa.Date(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("author_name", sa.String(length=250), nullable=False),
        sa.Column("author_role", sa.String(length=32), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in STATUSES)})",
            name=op.f("ck_objective_notes_status"),
        ),
        sa.CheckConstraint("objective >= 1", name=op.f("ck_objective_notes_objective")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_objective_notes_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_objective_notes_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective_notes")),
    )
    op.create_index(
        "ix_objective_notes_document_id_objective", "objective_notes", ["document_id", "objective"]
    )


def downgrade() -> None:
    op.drop_index("ix_objective_notes_document_id_objective", table_name="objective_notes")
    op.drop_table("objective_notes")
