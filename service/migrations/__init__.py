"""Schema migrations (Alembic), run from code: `cosigne db upgrade` calls `upgrade`.

The configuration is built here, so the database is always the app's. The alembic.ini beside
this file is for writing revisions with the `alembic` tool, against the database of the COSIGNE_*
settings once it is up to date: ``.venv/bin/alembic -c service/migrations/alembic.ini revision
--autogenerate -m "…"``; then read the script and name it ``NNNN_what.py``.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from service.db import Database

_PG_LOCK_ID = 0x636F7369  # "cosi": an advisory lock that serialises concurrent upgrades


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration for this package's scripts (and `url`, when given)."""
    config = Config()
    config.set_main_option("script_location", "service:migrations")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    """The newest revision among the scripts."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(database: Database) -> str | None:
    """The revision the database is at; None for an empty database."""
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to `revision`, in one transaction. Doing it again changes nothing; two
    processes doing it at once take turns (SQLite's write lock, PostgreSQL's advisory lock)."""
    config = alembic_config()
    with database.write_connection(copying_tables=True) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
