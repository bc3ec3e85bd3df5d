"""The site visits of completed conventions de stage: ``site_visits``.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "site_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=True),
        sa.Column("visitor_name", sa.String(length=250), nullable=True),
        sa.Column("done_date", sa.Date(), nullable=True),
        sa.Column("visited_by", sa.String(length=250), nullable=True),
        sa.Column("tutor_met", sa.String(length=250), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("moved_reason", sa.Text(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_name", sa.String(length=250), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_site_visits_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_site_visits_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_visits")),
        sa.UniqueConstraint("document_id", name=op.f("uq_site_visits_document_id")),
    )


def downgrade() -> None:
    op.drop_table("site_visits")
