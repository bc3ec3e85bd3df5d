"""Revision 0003 on existing data, on SQLite and PostgreSQL: a convention naming one of its
school's pathway contracts gets linked to it, every document gets the school year of its start
date, and nothing else changes."""

from __future__ import annotations

import json

from alembic import command
from db import database_url, postgres_server, postgres_url
from sqlalchemy import text

from service import migrations
from service.db import Database

__all__ = ["database_url", "postgres_server", "postgres_url"]  # fixtures used below

SCHOOL = (
    "INSERT INTO schools (id, uai, name, status, address, head_first_name, head_last_name, "
    "head_email, created_at) VALUES (:id, :uai, 'Lycée', 'public', 'Nantes', 'Anne', 'Leroy', "
    "'anne@example.edu', '2026-11-28 09:00:00')"
)
DOCUMENT = (
    "INSERT INTO documents (id, school_id, kind, version, state, data, pupil_search, warnings, "
    "created_at, updated_at) VALUES (:id, :school, :kind, 1, 'draft', :data, '', '[]', "
    "'2026-11-28 09:00:00', '2026-11-28 09:00:00')"
)


def _insert(db: Database) -> None:
    documents = [
        (1, 1, "parcours", {"start_date": "2026-09-01"}),
        (2, 1, "convention", {"start_date": "2027-08-31", "parcours_id": 1}),
        (3, 1, "convention", {"start_date": "2027-09-01", "parcours_id": 4}),  # another school's
        (4, 2, "parcours", {"start_date": "2026-08-31"}),
        (5, 1, "convention", {"start_date": None, "parcours_id": "PAFI-12"}),
    ]
    with db.engine.begin() as connection:
        connection.execute(text(SCHOOL), {"id": 1, "uai": "0440021J"})
        connection.execute(text(SCHOOL), {"id": 2, "uai": "0170022G"})
        for id_, school, kind, data in documents:
            connection.execute(
                text(DOCUMENT),
                {"id": id_, "school": school, "kind": kind, "data": json.dumps(data)},
            )
        connection.execute(
            text(
                "INSERT INTO signers (id, document_id, role, position, first_name, last_name, "
                "email, state, reminder_count) VALUES (1, 2, 'pupil', 0, 'Zoé', 'Martin', "
                "'zoe@example.org', 'waiting', 0)"
            )
        )


def test_revision_0003_links_conventions_and_fills_school_years(database_url: str) -> None:
    db = Database(database_url)
    try:
        migrations.upgrade(db, "0002")
        _insert(db)

        migrations.upgrade(db)

        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, pathway_id, school_year FROM documents ORDER BY id")
            ).all()
        assert [tuple(row) for row in rows] == [
            (1, None, 2026),
            (2, 1, 2026),
            (3, None, 2027),
            (4, None, 2025),
            (5, None, None),
        ]
        # The database now refuses a link to a document that does not exist.
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                fks = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_constraint "
                        "WHERE conname = 'fk_documents_pathway_id_documents'"
                    )
                ).scalar_one()
            assert fks == 1
    finally:
        db.dispose()


def test_revision_0003_goes_down_and_up_again_on_postgresql(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        migrations.upgrade(db)
        _insert(db)
        config = migrations.alembic_config()
        with db.write_connection() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
        with db.engine.connect() as connection:
            columns = connection.execute(text("SELECT * FROM documents")).keys()
        assert "pathway_id" not in columns
        assert "school_year" not in columns

        migrations.upgrade(db)

        with db.engine.connect() as connection:
            linked = connection.execute(
                text("SELECT pathway_id FROM documents WHERE id = 2")
            ).scalar_one()
            signer_document = connection.execute(
                text("SELECT document_id FROM signers WHERE id = 1")
            ).scalar_one()
        assert linked == 1
        assert signer_document == 2
    finally:
        db.dispose()
