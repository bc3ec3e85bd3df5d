"""The table of the site visits of completed conventions de stage (issue 13 §4)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.orm import Base, utcnow


class SiteVisit(Base):
    """The visit of one convention's internship site: planned (a date, or none yet: « à
    planifier »), moved (the last reason kept here, every move in the trail), then done."""

    __tablename__ = "site_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    planned_date: Mapped[date | None] = mapped_column(Date)
    visitor_name: Mapped[str | None] = mapped_column(String(250))
    """Who is to visit (the convention's référent)."""
    done_date: Mapped[date | None] = mapped_column(Date)
    visited_by: Mapped[str | None] = mapped_column(String(250))
    tutor_met: Mapped[str | None] = mapped_column(String(250))
    report: Mapped[str | None] = mapped_column(Text)
    moved_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_name: Mapped[str | None] = mapped_column(String(250))
    """Who recorded it done, or last moved it (their name then)."""
