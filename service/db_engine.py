"""The engine and its SQLite set-up: psycopg 3 for PostgreSQL URLs; on SQLite, write-ahead
logging, a busy timeout, foreign keys on, and ``BEGIN IMMEDIATE`` for the transactions that write
(`service.db.Database.transaction` asks for it with the `WRITE` execution option)."""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url

SQLITE_BUSY_TIMEOUT_MS = 15_000
"""How long an SQLite writer waits for the lock: transactions are short (no PDF work inside)."""

WRITE = "cosigne_write"
"""Execution option set by `Database.transaction`: SQLite begins with BEGIN IMMEDIATE."""


def normalize_url(url: str | URL) -> URL:
    """The URL with its driver made explicit: ``postgresql://`` and ``postgres://`` mean psycopg 3
    (the only PostgreSQL driver installed), not SQLAlchemy's default psycopg2."""
    if isinstance(url, str) and url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_database_engine(url: str | URL, **options: Any) -> Engine:
    """An engine for `url`, with SQLite set up for many concurrent short transactions."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, **options)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, **options)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 module's own transaction handling is switched off: it would begin lazily, at the
    # first write, which is exactly the read-then-upgrade pattern that fails under contention.
    # `_sqlite_on_begin` emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the file to write-ahead logging (kept in the file: done once per database).

    The switch needs an exclusive lock, and SQLite answers "database is locked" at once, without
    waiting the busy timeout, when another connection is writing to a database still in
    rollback-journal mode; so it is retried here until the busy timeout runs out.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01 + random.random() * 0.04)  # noqa: S311 — jitter, not a secret
            continue
        if mode.lower() in ("wal", "memory"):
            return
        raise sqlite3.OperationalError(f"journal_mode WAL refused ({mode})")


def _sqlite_on_begin(connection: Connection) -> None:
    if connection.get_execution_options().get(WRITE):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")
