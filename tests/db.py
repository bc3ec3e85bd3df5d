"""Real databases for tests: a fresh SQLite file, or a fresh PostgreSQL database, per test.

Import the fixtures where they are needed (``from db import database_url, database``: pytest puts
the ``tests`` folder on the path for its root conftest). `database_url` runs each test that asks
for it twice, once per backend. PostgreSQL is the server of ``COSIGNE_TEST_POSTGRES_URL``
(default: postgres on 127.0.0.1:5432, trust authentication); when it cannot be reached the
PostgreSQL half is skipped, except under ``CI=true`` where it fails.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import URL, make_url

from service import migrations
from service.db import Database
from service.orm import Base

POSTGRES_ADMIN_URL = os.environ.get(
    "COSIGNE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'cosigne.sqlite3'}"


@pytest.fixture(scope="session")
def postgres_server() -> URL:
    """The admin URL of a reachable PostgreSQL server, or a skip (a failure under CI=true)."""
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL injoignable ({POSTGRES_ADMIN_URL}) : {' '.join(str(exc).split())}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} — en CI, .ci/run doit le démarrer")
        pytest.skip(reason)
    return make_url(POSTGRES_ADMIN_URL)


def _admin(statement: sql.Composable) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture
def postgres_url(postgres_server: URL) -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped after the test."""
    name = f"cosigne_test_{secrets.token_hex(6)}"
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = postgres_server.set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        # FORCE: a connection a failed test left open must not keep the database alive.
        _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, once on SQLite (a file in the test's folder), once on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The database of `database_url` with the schema migrated to the newest revision."""
    db = Database(database_url)
    migrations.upgrade(db)
    yield db
    db.dispose()


def snapshot(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order: equal snapshots, unchanged data."""
    with db.engine.connect() as connection:
        return {
            table.name: [
                tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key))
            ]
            for table in Base.metadata.sorted_tables
        }


def table_names(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def count(db: Database, table: str) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())  # noqa: S608 — table names are ours
