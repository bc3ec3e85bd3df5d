"""The mails sent about a followed contract's due items: ``follow_up_notices``.

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = sa.DateTime(timezone=True)
NOTICES = ("upcoming", "overdue")
"""`signing.follow_up.notices.NoticeKind` as of this revision."""


def upgrade() -> None:
    op.create_table(
        "follow_up_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=32), nullable=False),
        sa.Column("objective", sa.Integer(), nullable=False),
        sa.Column("item_day", sa.Date(), nullable=False),
        sa.Column("notice", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", MOMENT, nullable=False),
        sa.CheckConstraint(
            f"notice IN ({', '.join(repr(n) for n in NOTICES)})",
            name=op.f("ck_follow_up_notices_notice"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_follow_up_notices_document_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name=op.f("fk_follow_up_notices_outbox_id_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_notices")),
        sa.UniqueConstraint(
            "document_id",
            "what",
            "objective",
            "item_day",
            "notice",
            name="uq_follow_up_notices_item",
        ),
    )


def downgrade() -> None:
    op.drop_table("follow_up_notices")
