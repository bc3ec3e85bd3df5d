"""The outbox: every email waiting to be sent, and those sent, kept with their outcome."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.orm import Base, utcnow


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
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("signers.id"))
    """The signer this message is for: its delivery or bounce goes into the document's trail."""
    purpose: Mapped[str | None] = mapped_column(String(20))
    """``invitation``, ``reminder``, ``code``…: what the trail says the message was."""
