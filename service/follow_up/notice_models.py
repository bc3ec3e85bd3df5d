"""The table of the mails sent about due items (`service.follow_up.notify_due`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.orm import Base, EnumText, one_of, utcnow
from signing.follow_up.notices import NoticeKind


class FollowUpNotice(Base):
    """One notice of one due item of a contract: which item (its kind, objective and day),
    which notice, to whom, when it was queued. Unique per item and notice: two passes or two
    workers never mail it twice."""

    __tablename__ = "follow_up_notices"
    __table_args__ = (
        CheckConstraint(one_of("notice", NoticeKind), name="notice"),
        UniqueConstraint(
            "document_id",
            "what",
            "objective",
            "item_day",
            "notice",
            name="uq_follow_up_notices_item",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    what: Mapped[str] = mapped_column(String(32))
    """`DueItem.what`: ``objective``, ``review``, ``visit``…"""
    objective: Mapped[int] = mapped_column(Integer, default=0)
    """The objective's number, 0 for an item that is not an objective."""
    item_day: Mapped[date] = mapped_column(Date)
    notice: Mapped[NoticeKind] = mapped_column(EnumText(NoticeKind, 16))
    recipient: Mapped[str] = mapped_column(String(254))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    """When the mail was queued in the outbox (the outbox records its delivery)."""
