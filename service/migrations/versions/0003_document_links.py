"""Documents: the pathway contract of a convention (pathway_id) and the school year (school_year),
both filled from the data of existing documents.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK_NAME = "fk_documents_pathway_id_documents"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; a batch rebuild of `documents` would
        # drop a table that signers and events refer to.
        op.execute(
            f"ALTER TABLE documents ADD COLUMN pathway_id INTEGER CONSTRAINT {FK_NAME} "
            "REFERENCES documents (id)"
        )
    else:
        op.add_column("documents", sa.Column("pathway_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK_NAME, "documents", "documents", ["pathway_id"], ["id"])
    op.add_column("documents", sa.Column("school_year", sa.Integer(), nullable=True))
    op.create_index("ix_documents_pathway_id", "documents", ["pathway_id"])
    op.create_index("ix_documents_school_id_school_year", "documents", ["school_id", "school_year"])
    _backfill(bind)


def _backfill(bind: sa.Connection) -> None:
    documents = sa.table(
        "documents",
        sa.column("id", sa.Integer()),
        sa.column("school_id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("data", sa.JSON()),
        sa.column("pathway_id", sa.Integer()),
        sa.column("school_year", sa.Integer()),
    )
    rows = bind.execute(
        sa.select(documents.c.id, documents.c.school_id, documents.c.kind, documents.c.data)
    ).all()
    pathways = {(row.school_id, row.id) for row in rows if row.kind == "parcours"}
    for row in rows:
        data = _as_dict(row.data)
        values: dict[str, Any] = {"school_year": _school_year(data.get("start_date"))}
        parcours_id = data.get("parcours_id")
        if row.kind == "convention" and (row.school_id, parcours_id) in pathways:
            values["pathway_id"] = parcours_id
        bind.execute(sa.update(documents).where(documents.c.id == row.id).values(**values))


def _as_dict(data: object) -> dict[str, Any]:
    if isinstance(data, str):
        data = json.loads(data)
    return data if isinstance(data, dict) else {}


def _school_year(start: object) -> int | None:
    """The rule of `signing.data.school_year.school_year`, copied so this revision never
    changes."""
    try:
        day = date.fromisoformat(str(start)[:10])
    except ValueError:
        return None
    return day.year if day.month >= 9 else day.year - 1


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Dropping a column with a reference means rebuilding `documents`, which SQLite allows
        # only with foreign keys off, outside a transaction: restore the backup instead.
        raise NotImplementedError("revision 0003 cannot be undone on SQLite: restore a backup")
    op.drop_index("ix_documents_school_id_school_year", table_name="documents")
    op.drop_index("ix_documents_pathway_id", table_name="documents")
    op.drop_constraint(FK_NAME, "documents", type_="foreignkey")
    op.drop_column("documents", "school_year")
    op.drop_column("documents", "pathway_id")
