"""`watch_archive` (run by `cosigne worker`): once every COSIGNE_ARCHIVE_CHECK_HOURS, by one
worker only, every archived final PDF is checked (`service.finalize.archive_check`) and each
school's admins and head are mailed the list of its damaged or missing files. Nothing is ever
repaired or regenerated: a signed file cannot be made again."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.accounts.models import School, User
from service.context import Context
from service.finalize.archive_check import ArchiveFinding, check_archive
from service.jobs.schedule import claim_run, record_summary
from service.mail import outbox, staff_messages
from signing.vocabulary import StaffRole

log = logging.getLogger(__name__)

JOB = "archive_check"
TOLD = (StaffRole.ADMIN, StaffRole.HEAD)
"""Who is mailed: those who answer for the school's accounts and records."""


def watch_archive(ctx: Context) -> int | None:
    """The number of damaged or missing files found, or None when the check was not due."""
    now = ctx.now()
    if not claim_run(ctx.db, JOB, timedelta(hours=ctx.settings.archive_check_hours), now):
        return None
    checked = check_archive(ctx)
    by_school: dict[int, list[ArchiveFinding]] = defaultdict(list)
    for finding in checked.findings:
        log.error("Archive : document %s : %s", finding.document_id, finding.problem)
        by_school[finding.school_id].append(finding)
    with ctx.db.transaction() as session:
        for school_id, findings in by_school.items():
            _tell(ctx, session, school_id, findings)
    summary = (
        f"{checked.checked} fichier(s) vérifié(s), {len(checked.findings)} endommagé(s) ou "
        "manquant(s)"
    )
    record_summary(ctx.db, JOB, summary)
    log.info("Vérification des archives : %s.", summary)
    return len(checked.findings)


def _tell(ctx: Context, session: Session, school_id: int, findings: list[ArchiveFinding]) -> None:
    school = session.get(School, school_id)
    if school is None:
        return
    listed = [
        (f.document_id, f.problem, f"{ctx.settings.base_url}/documents/{f.document_id}")
        for f in findings
    ]
    addresses = list(
        session.scalars(
            select(User.email)
            .where(User.school_id == school_id, User.active.is_(True), User.role.in_(TOLD))
            .order_by(User.id)
        )
    ) or [school.head_email]
    for address in dict.fromkeys(a.lower() for a in addresses if a):
        message = staff_messages.archive_damaged(school, address, listed, ctx.settings.base_url)
        outbox.queue(session, message, now=ctx.now())
