"""The tables of documents and their audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.orm import Base, EnumText, one_of, utcnow
from signing.kinds import Kind
from signing.vocabulary import DocumentState, EventType, Role, StaffRole

if TYPE_CHECKING:
    from service.accounts.models import School, User
    from service.signers.models import Signer


class Document(Base):
    """A pathway contract or an internship agreement: its data snapshot and, once issued, the
    frozen PDF every signer sees."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(one_of("kind", Kind), name="kind"),
        CheckConstraint(one_of("state", DocumentState), name="state"),
        Index("ix_documents_school_id_state", "school_id", "state"),
        # The worker's expiry job looks across schools for documents past their deadline.
        Index("ix_documents_state_deadline", "state", "deadline"),
        # The dashboard filters a school's documents by school year.
        Index("ix_documents_school_id_school_year", "school_id", "school_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    kind: Mapped[Kind] = mapped_column(EnumText(Kind, 20))
    version: Mapped[int] = mapped_column(default=1)
    state: Mapped[DocumentState] = mapped_column(
        EnumText(DocumentState, 32), default=DocumentState.DRAFT
    )
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
    """Its SHA-256: the key of the archive, and how an uploaded file is recognised. A document
    timestamp added later moves it to the new file; the earlier ones stay known
    (`EarlierFinalFile`)."""
    timestamp_pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Sealed without a timestamp (no authority answered): the worker adds a document
    timestamp, then clears it. Never holds a signature or the completion back."""
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
    last event then shows (`signing.trail.verify_chain(last_hash=…)`)."""
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


class EarlierFinalFile(Base):
    """A final PDF that was the document's before a document timestamp was added: it was
    mailed to the parties and stays archived, so it is still recognised as the document's."""

    __tablename__ = "earlier_final_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    replaced_by_sha256: Mapped[str] = mapped_column(String(64))
    replaced_at: Mapped[datetime]


class Event(Base):
    """One line of a document's audit trail: append-only, numbered per document (`seq`), each
    carrying the keyed hash of the one before so an edit or a removal shows."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("document_id", "seq", name="uq_events_document_id_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("signers.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[EventType] = mapped_column(EnumText(EventType, 32))
    at: Mapped[datetime]
    role: Mapped[str | None] = mapped_column(String(32))
    actor_name: Mapped[str | None] = mapped_column(String(250))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    key_id: Mapped[str | None] = mapped_column(String(16))
    """The trail key this event was chained with (`signing.trail.TrailKey.id`); NULL for events
    recorded before the trail had a key, chained by plain SHA-256."""
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    document: Mapped[Document] = relationship(back_populates="events")
    signer: Mapped[Signer | None] = relationship()

    @property
    def role_label(self) -> str | None:
        """Who acted, by role: the signer's own label when the event is a signer's
        (« La représentante légale »), else the role's, else None."""
        if self.signer is not None:
            return self.signer.role_label
        if self.role is None:
            return None
        for vocabulary in (Role, StaffRole):
            try:
                return vocabulary(self.role).label
            except ValueError:
                continue
        return self.role
