"""What every table is built on: the declarative base, its naming convention and column types.

Each concern keeps its own tables (`service.documents.models`, `service.signers.models`,
`service.accounts.models`, `service.mail.models`); every change to them comes with an Alembic
revision in ``service/migrations/versions``. Rows that change state (documents, signers) are
updated with a compare-and-set by the use cases (``UPDATE … WHERE state = :expected``); the
schema only stores the state and never decides it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import JSON, DateTime, Dialect, MetaData, String, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

E = TypeVar("E", bound=StrEnum)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time stored in UTC and read back as an aware UTC datetime, on SQLite (which has
    no time zones) as on PostgreSQL (``timestamptz``). A naive datetime is refused: its zone would
    be a guess."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"date et heure sans fuseau horaire : {value.isoformat()}")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONData = JSON().with_variant(JSONB(), "postgresql")
"""JSON on both databases; JSONB on PostgreSQL so data can be searched (pupil name filter)."""


class EnumText(TypeDecorator[E]):
    """A `StrEnum` of `signing.vocabulary` (or `signing.kinds.Kind`) stored as its value, in a
    text column checked by the table (`one_of`), and read back as the enum member."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int = 32) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        # A plain string is written as it is: the table's check constraint is the guard, so a
        # value outside the vocabulary fails as an integrity error on both databases.
        return (
            None if value is None else str(value.value if isinstance(value, self.enum) else value)
        )

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)


def one_of(column: str, values: Iterable[str]) -> str:
    """The SQL check that `column` holds one of `values`."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(
        # Named constraints, so later migrations can alter them (SQLite batch mode needs names).
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {  # noqa: RUF012 — SQLAlchemy reads this class attribute as is
        datetime: UTCDateTime,
        dict[str, Any]: JSONData,
        list[Any]: JSONData,
    }
