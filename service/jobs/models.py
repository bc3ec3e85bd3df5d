"""When each scheduled job last ran, shared by every worker (`service.jobs.schedule`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.orm import Base


class JobRun(Base):
    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[datetime]
    summary: Mapped[str | None] = mapped_column(Text)
    """What the last run found, in French (for operators)."""
