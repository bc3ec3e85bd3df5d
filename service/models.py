"""The tables. Every change to them comes with an Alembic revision in service/migrations/versions.

Rows that change state (documents, signers) are updated with a compare-and-set by
`service.operations` (``UPDATE … WHERE state = :expected``); the schema only stores the state and
never decides it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

USER_ROLES = ("head", "referent", "admin")
SCHOOL_STATUSES = ("public", "private_contract")
DOCUMENT_KINDS = ("parcours", "convention")
DOCUMENT_STATES = (
    "draft",
    "awaiting_signatures",
    "signed",
    "completed",
    "declined",
    "cancelled",
    "expired",
)
SIGNER_ROLES = ("pupil", "guardian", "referent", "host_representative", "host_tutor", "head")
SIGNER_STATES = ("waiting", "invited", "opened", "signed", "declined")


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


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


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


class School(Base):
    """An establishment, identified by its UAI, and its head (who signs for it)."""

    __tablename__ = "schools"
    __table_args__ = (CheckConstraint(_one_of("status", SCHOOL_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uai: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="public")
    address: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    head_first_name: Mapped[str] = mapped_column(String(100))
    head_last_name: Mapped[str] = mapped_column(String(100))
    head_title: Mapped[str | None] = mapped_column(String(100))
    head_email: Mapped[str] = mapped_column(String(254))
    board_approval_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="school")


class User(Base):
    """A member of a school's staff who logs in: head, referent, or admin."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_one_of("role", USER_ROLES), name="role"),
        # Unique case-insensitively: addresses are stored lowercased (`accounts.normalize_login`).
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_reset_nonce: Mapped[str | None] = mapped_column(String(64))
    """The nonce of the live password link (`signing.links`, purpose PASSWORD_RESET); a new link
    replaces it, setting the password clears it, so each link works once."""
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    session_version: Mapped[str | None] = mapped_column(String(64))
    """Random, copied into each login session; replaced at logout, password change and
    deactivation, which ends every session of the user (`service.auth`)."""

    school: Mapped[School] = relationship(back_populates="users")
    api_tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ApiToken(Base):
    """A bearer token of the JSON API. Only its SHA-256 is stored; `prefix` names it in lists."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="api_tokens")


class Document(Base):
    """A pathway contract or an internship agreement: its data snapshot and, once issued, the
    frozen PDF every signer sees."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(_one_of("kind", DOCUMENT_KINDS), name="kind"),
        CheckConstraint(_one_of("state", DOCUMENT_STATES), name="state"),
        Index("ix_documents_school_id_state", "school_id", "state"),
        # The worker's expiry job looks across schools for documents past their deadline.
        Index("ix_documents_state_deadline", "state", "deadline"),
        # The dashboard filters a school's documents by school year.
        Index("ix_documents_school_id_school_year", "school_id", "school_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(32), default="draft")
    data: Mapped[dict[str, Any]]
    pupil_search: Mapped[str] = mapped_column(String(250), default="")
    """The pupil's name folded for search (lowercase, no accents): the same on both databases."""
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    """Loaded only when read: pages and lists never carry the PDF along."""
    pdf_size: Mapped[int | None]
    final_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    """The sealed final PDF, stored once (compare-and-set on NULL) before it is archived, so a
    finalization that crashed is finished later with the same bytes: never a second seal."""
    final_pdf_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    """Its SHA-256: the key of the archive, and how an uploaded file is recognised."""
    completed_at: Mapped[datetime | None]
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None]
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    """The document this one amends (an avenant): it stays readable, and is replaced once this
    one is completed."""
    pathway_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    """A convention's pathway contract (the data's ``parcours_id`` when it names one of the
    school's contracts)."""
    school_year: Mapped[int | None]
    """The school year of the start date, by its first year (2026 for 2026-2027, 1 September
    to 31 August): the dashboard filters on it in SQL."""
    deadline: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    last_event_hash: Mapped[str | None] = mapped_column(String(64))
    """The hash of the newest event, kept with each event in the same transaction: a removed
    last event then shows (`signing.audit.verify_chain(last_hash=…)`)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    school: Mapped[School] = relationship()
    issuer: Mapped[User | None] = relationship()
    amends: Mapped[Document | None] = relationship(
        remote_side="Document.id", foreign_keys=[amends_id]
    )
    pathway: Mapped[Document | None] = relationship(
        remote_side="Document.id", foreign_keys=[pathway_id]
    )
    signers: Mapped[list[Signer]] = relationship(
        back_populates="document", order_by="Signer.position"
    )
    events: Mapped[list[Event]] = relationship(back_populates="document", order_by="Event.seq")


class Signer(Base):
    """One party who must sign one document, with every step of theirs for the audit trail.
    `link_nonce` is compared with the nonce in the signing link: a new value kills old links."""

    __tablename__ = "signers"
    __table_args__ = (
        CheckConstraint(_one_of("role", SIGNER_ROLES), name="role"),
        CheckConstraint(_one_of("state", SIGNER_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    position: Mapped[int]
    guardian_index: Mapped[int | None]
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(20), default="waiting")
    link_nonce: Mapped[str | None] = mapped_column(String(64))
    invited_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
    declined_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    sign_ip: Mapped[str | None] = mapped_column(String(45))
    sign_user_agent: Mapped[str | None] = mapped_column(Text)
    signed_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    consent_text: Mapped[str | None] = mapped_column(Text)
    typed_name: Mapped[str | None] = mapped_column(String(250))
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    reminder_count: Mapped[int] = mapped_column(default=0)
    last_reminded_at: Mapped[datetime | None]

    document: Mapped[Document] = relationship(back_populates="signers")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Event(Base):
    """One line of a document's audit trail: append-only, numbered per document (`seq`), each
    carrying the hash of the one before so an edit or a removal shows."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("document_id", "seq", name="uq_events_document_id_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("signers.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
    role: Mapped[str | None] = mapped_column(String(32))
    actor_name: Mapped[str | None] = mapped_column(String(250))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    document: Mapped[Document] = relationship(back_populates="events")
    signer: Mapped[Signer | None] = relationship()


class OutboxMessage(Base):
    """An email waiting to be sent, written in the transaction of the change that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_sent_at_next_attempt_at", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(250))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))
    """An archived PDF attached when the message is sent (the final document)."""
    attachment_name: Mapped[str | None] = mapped_column(String(200))


class LoginAttempt(Base):
    """A login attempt not (yet) known to have succeeded: counted per address and per IP to
    slow down password guessing, in the database so every app process sees the same count."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_login_at", "login", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(254))
    """The address as typed, normalised (lowercase): changing case does not reset the count."""
    ip: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime]
