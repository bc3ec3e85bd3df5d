"""Planning or moving a convention's site visit: a date inside the internship, and a reason
when it had one already; an event of the convention's trail. Nothing is stored when refused."""

from __future__ import annotations

from service.accounts.models import User
from service.accounts.permissions import require
from service.context import SYSTEM, Context, Origin
from service.documents import trail
from service.follow_up.plan_visit import visited
from service.follow_up.visit_model import SiteVisit
from signing.follow_up.visits import check_move
from signing.permissions import StaffAction
from signing.vocabulary import EventType


def move_visit(
    ctx: Context,
    user: User,
    document_id: int,
    *,
    planned_date: object,
    reason: object = None,
    origin: Origin = SYSTEM,
) -> tuple[SiteVisit, bool]:
    """The visit of convention `document_id` with its new date, and True when it had none
    before (planned, not moved); ValidationFailed for a bad date or a missing reason."""
    require(user, StaffAction.VISIT)
    now = ctx.now()
    with ctx.db.transaction() as session:
        task = visited(session, user.school_id, document_id, at=now)
        visit = task.visit
        previous = visit.planned_date
        move = check_move(
            task.internship,
            task.today,
            previous,
            visit.done_date is not None,
            planned_date=planned_date,
            reason=reason,
        )
        visit.planned_date, visit.updated_at = move.day, now
        if move.reason is not None:
            visit.moved_reason = move.reason
        visit.recorded_by_id, visit.recorded_by_name = user.id, user.full_name
        trail.record(
            session,
            task.document,
            EventType.VISIT_PLANNED if previous is None else EventType.VISIT_MOVED,
            at=now,
            origin=origin,
            role=user.role,
            actor_name=user.full_name,
            data={
                "planned_date": move.day.isoformat(),
                "previous_date": previous.isoformat() if previous else None,
                "reason": move.reason,
            },
        )
        session.flush()
    return visit, previous is None
