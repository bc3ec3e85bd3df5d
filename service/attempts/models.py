"""The table of failed guesses: what was guessed (`kind`), from where, when."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from service.orm import Base, EnumText, one_of


class AttemptKind(StrEnum):
    """What an address tried to guess; each kind is counted apart."""

    LINK = "link"
    """A signing link (`/sign/<token>`) whose signature is not ours."""
    BEARER = "bearer"
    """An API bearer token that opens no account."""
    CODE = "code"
    """A one-time code typed before signing; the address is whatever the caller counts by."""


class Attempt(Base):
    """One failed guess. Rows older than the window are deleted as new ones are counted."""

    __tablename__ = "attempts"
    __table_args__ = (
        CheckConstraint(one_of("kind", AttemptKind), name="kind"),
        Index("ix_attempts_kind_address_at", "kind", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AttemptKind] = mapped_column(EnumText(AttemptKind, 16))
    address: Mapped[str] = mapped_column(String(64))
    """The requester's IP address (``unknown`` when it was not one), or the caller's key."""
    at: Mapped[datetime]
