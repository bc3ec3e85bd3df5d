"""The database: one engine per app, created on first use, and two ways to reach it.

- `session()`: the request's session, for reading; closed when the app context ends.
- `transaction()`: a short session of its own that commits on success and rolls back on error.
  Every write goes through it: on SQLite it starts with ``BEGIN IMMEDIATE``, so it takes the write
  lock before reading and waits its turn (busy timeout) instead of failing with "database is
  locked" when it would otherwise upgrade a read lock that another writer has overtaken.
- `Database.read_one()`: one read-only statement on its own, for the hottest public page (a
  signing link opened again): compiled once and run on the driver's cursor, outside any
  transaction (no BEGIN, no ROLLBACK); on PostgreSQL, on a pool of its own whose connections are
  not pinged before use: a connection found dead is dropped and the statement run once more on
  a fresh one, which is safe because it only reads.

Nothing is kept between processes: each makes its own engine on first use, after any fork.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Dialect, Engine, Select, create_engine
from sqlalchemy.engine import URL, Connection
from sqlalchemy.orm import Session

from service import tables  # noqa: F401 — every mapped class, before any session opens
from service.db_engine import WRITE, create_database_engine, normalize_url
from signing.trail import TrailKeys

_EXTENSION = "cosigne.db"
_G_SESSION = "_cosigne_session"

TRAIL_KEYS = "cosigne_trail_keys"
"""`Session.info` key of the `TrailKeys` `service.documents.trail` chains every event with."""


@dataclass(frozen=True)
class _RawRead:
    """A SELECT compiled once for the driver, with SQLAlchemy's own conversion of each column
    (aware UTC datetimes, JSON): run straight on the driver's cursor, it returns what SQLAlchemy
    would, without building a result object per call."""

    sql: str
    positions: tuple[str, ...] | None
    """The parameters' names in their order, for a driver that takes them by position."""
    processors: tuple[Callable[[Any], Any] | None, ...]

    @classmethod
    def of(cls, statement: Select[Any], dialect: Dialect) -> _RawRead:
        compiled = statement.compile(dialect=dialect)
        processors = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        )
        positions = tuple(compiled.positiontup or ()) if compiled.positional else None
        return cls(str(compiled), positions, processors)

    def parameters(self, params: dict[str, Any]) -> dict[str, Any] | tuple[Any, ...]:
        if self.positions is None:
            return params
        return tuple(params[name] for name in self.positions)

    def convert(self, values: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if process is None else process(value)
            for process, value in zip(self.processors, values, strict=True)
        )


class Database:
    """An engine made on first use, and the sessions over it. Usable without Flask (tests,
    scripts); in the app, `init_app` keeps one per app and the module functions reach it."""

    def __init__(self, url: str | URL, trail_keys: TrailKeys | None = None) -> None:
        self.url = normalize_url(url)
        self.trail_keys = trail_keys  # without them, a session writes anything but an event
        self._engine: Engine | None = None
        self._reader: Engine | None = None
        self._plans: dict[Select[Any], _RawRead] = {}
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = create_database_engine(self.url)
        return self._engine

    @property
    def reader(self) -> Engine:
        """The engine of `read_one`: the main one on SQLite (its connections are in autocommit:
        BEGIN is ours, see `_sqlite_on_begin`); on PostgreSQL, a pool of its own in autocommit,
        without the pre-use ping."""
        if self.is_sqlite:
            return self.engine
        if self._reader is None:
            with self._lock:
                if self._reader is None:
                    self._reader = create_engine(
                        self.url, isolation_level="AUTOCOMMIT", pool_pre_ping=False
                    )
        return self._reader

    def read_one(self, statement: Select[Any], params: dict[str, Any]) -> tuple[Any, ...] | None:
        """The one row (or None) `statement` reads, outside any transaction: a single statement
        sees one consistent state. When a pooled connection turns out dead (the server was
        restarted), the pool is emptied and the statement runs once more on a new connection."""
        plan = self._plans.get(statement)
        if plan is None:
            plan = self._plans.setdefault(statement, _RawRead.of(statement, self.reader.dialect))
        for attempt in (1, 2):
            connection = self.reader.raw_connection()
            try:
                cursor = connection.cursor()
                try:
                    cursor.execute(plan.sql, plan.parameters(params))
                    found = cursor.fetchone()
                finally:
                    cursor.close()
            except self.reader.dialect.loaded_dbapi.Error as exc:
                dead = self.reader.dialect.is_disconnect(exc, connection.dbapi_connection, None)
                if attempt == 2 or not dead:
                    raise
                connection.invalidate(exc)
                self.reader.dispose()
                continue
            finally:
                connection.close()
            return None if found is None else plan.convert(found)
        raise AssertionError("unreachable")  # pragma: no cover

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def new_session(self, **options: Any) -> Session:
        """A new session; the caller closes it."""
        return Session(self.engine, info={TRAIL_KEYS: self.trail_keys}, **options)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed when the block ends and rolled back if it raises.

        Objects stay readable after the block (`expire_on_commit=False`), detached.
        """
        with Session(
            self.engine, expire_on_commit=False, info={TRAIL_KEYS: self.trail_keys}
        ) as session:
            # Taking the connection now, with the write option, makes SQLite's BEGIN IMMEDIATE
            # the transaction's first statement.
            session.connection(execution_options={WRITE: True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def write_connection(self, *, copying_tables: bool = False) -> Iterator[Connection]:
        """A Core connection in a write transaction (BEGIN IMMEDIATE on SQLite), committed when
        the block ends, rolled back if it raises. For schema changes and bulk work.

        `copying_tables` (migrations): SQLite changes a constraint by copying a table and
        dropping the old one, which its foreign keys forbid under the rows that reference it,
        even deferred. They are switched off for the transaction (only possible outside one),
        every reference is checked before the commit, and they are on again after."""
        with self.engine.connect().execution_options(**{WRITE: True}) as connection:
            raw = None
            if copying_tables and connection.dialect.name == "sqlite":
                raw = connection.connection.driver_connection
                raw.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
            try:
                with connection.begin():
                    yield connection
                    if raw is not None:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                        if broken:
                            raise RuntimeError(f"références cassées après la migration : {broken}")
            finally:
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys = ON")

    def dispose(self) -> None:
        """Close the pooled connections (tests, and before a process forks)."""
        for engine in (self._engine, self._reader):
            if engine is not None:
                engine.dispose()


def init_app(app: Flask) -> None:
    """Keep the app's `Database`; nothing connects until a session is used."""
    settings = app.config["COSIGNE"]
    keys = TrailKeys.of(settings.trail_key, settings.trail_key_fallbacks)
    app.extensions[_EXTENSION] = Database(settings.database_url, keys)
    app.teardown_appcontext(_close_request_session)


def database() -> Database:
    """The current app's database."""
    db: Database = current_app.extensions[_EXTENSION]
    return db


def session() -> Session:
    """The session of the current app context (a request, a command), opened on first use and
    closed when the context ends. For reading: writes go through `transaction()`."""
    current: Session | None = g.get(_G_SESSION)
    if current is None:
        current = database().new_session()
        setattr(g, _G_SESSION, current)
    return current


@contextmanager
def transaction() -> Iterator[Session]:
    """A short write transaction on the current app's database: commits, or rolls back.

    Once it has committed, the request's session (if any) ends its read transaction and forgets
    what it loaded, so what it reads next includes this write, on SQLite (where a read
    transaction keeps its snapshot) as on PostgreSQL.
    """
    with database().transaction() as tx:
        yield tx
    current: Session | None = g.get(_G_SESSION)
    if current is not None and current.in_transaction():
        current.commit()


def _close_request_session(_exc: BaseException | None) -> None:
    current: Session | None = g.pop(_G_SESSION, None)
    if current is not None:
        current.close()
