"""`claim_run`: whether a scheduled job is due, decided in the database so that of several
workers exactly one runs it per period (the job's row is locked; SQLite's write transactions
take turns)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.db import Database
from service.jobs.models import JobRun


def claim_run(db: Database, name: str, every: timedelta, now: datetime) -> bool:
    """True when `name` last ran at least `every` ago (or never): its run is then recorded at
    `now`, so another worker asking now gets False."""
    try:
        return _claim(db, name, every, now)
    except IntegrityError:  # another worker inserted the job's first run at the same moment
        return False


def _claim(db: Database, name: str, every: timedelta, now: datetime) -> bool:
    with db.transaction() as session:
        run = session.scalars(
            select(JobRun).where(JobRun.name == name).with_for_update()
        ).one_or_none()
        if run is None:
            session.add(JobRun(name=name, last_run_at=now))
            return True
        if now - run.last_run_at < every:
            return False
        run.last_run_at = now
        return True


def record_summary(db: Database, name: str, summary: str) -> None:
    with db.transaction() as session:
        run = session.get(JobRun, name)
        if run is not None:
            run.summary = summary[:4000]
