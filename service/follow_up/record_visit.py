"""Recording a convention's site visit as done: the day, who came, the tutor met and a short
report; an event of the convention's trail. Nothing is stored when refused."""

from __future__ import annotations

import hashlib

from service.accounts.models import User
from service.accounts.permissions import require
from service.context import SYSTEM, Context, Origin
from service.documents import trail
from service.follow_up.plan_visit import visited
from service.follow_up.visit_model import SiteVisit
from signing.follow_up.visits import check_done
from signing.permissions import StaffAction
from signing.vocabulary import EventType


def record_visit(
    ctx: Context,
    user: User,
    document_id: int,
    *,
    done_date: object,
    visited_by: object,
    report: object,
    tutor_met: object,
    origin: Origin = SYSTEM,
) -> SiteVisit:
    """The visit of convention `document_id` done (values as typed), or ValidationFailed."""
    require(user, StaffAction.VISIT)
    now = ctx.now()
    with ctx.db.transaction() as session:
        task = visited(session, user.school_id, document_id, at=now)
        done = check_done(
            task.internship,
            task.today,
            task.visit.done_date is not None,
            done_date=done_date,
            visited_by=visited_by,
            report=report,
            tutor_met=tutor_met,
        )
        visit = task.visit
        visit.done_date, visit.visited_by = done.day, done.visited_by
        visit.report, visit.tutor_met = done.report, done.tutor_met
        visit.recorded_by_id, visit.recorded_by_name = user.id, user.full_name
        visit.updated_at = now
        trail.record(
            session,
            task.document,
            EventType.VISIT_DONE,
            at=now,
            origin=origin,
            role=user.role,
            actor_name=user.full_name,
            data={
                "done_date": done.day.isoformat(),
                "planned_date": visit.planned_date.isoformat() if visit.planned_date else None,
                "visited_by": done.visited_by,
                "tutor_met": done.tutor_met,
                "report_sha256": hashlib.sha256(done.report.encode()).hexdigest(),
            },
        )
        session.flush()
    return visit
