"""The table of the follow-up notes on a contract's objectives."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.orm import Base, EnumText, one_of, utcnow
from signing.follow_up.vocabulary import ObjectiveStatus

if TYPE_CHECKING:
    from service.accounts.models import User


class ObjectiveNote(Base):
    """A dated note by the référent or the head on one objective of a completed contract: the
    status it gives the objective, what was seen, a new deadline when it is postponed. Never
    changed or removed: a later note says what changed (`signing.follow_up.follow`)."""

    __tablename__ = "objective_notes"
    __table_args__ = (
        CheckConstraint(one_of("status", ObjectiveStatus), name="status"),
        CheckConstraint("objective >= 1", name="objective"),
        Index("ix_objective_notes_document_id_objective", "document_id", "objective"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    objective: Mapped[int] = mapped_column(Integer)
    """The objective's number in the contract, from 1."""
    status: Mapped[ObjectiveStatus] = mapped_column(EnumText(ObjectiveStatus, 32))
    note: Mapped[str] = mapped_column(Text)
    note_date: Mapped[date] = mapped_column(Date)
    """The day the note is about (the school's calendar), not after the day it was written."""
    new_deadline: Mapped[date | None] = mapped_column(Date)
    """The objective's deadline from now on, for a postponement."""
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(250))
    """The author's name when they wrote it (an account's name may change later)."""
    author_role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()
