"""`notify_due` (run by `cosigne worker`): once an hour, by one worker only (`claim_run`), each
référent is mailed one digest of the items of the contracts they follow, and of the site visits
of the conventions they follow (`service.follow_up.visits_due`, what « Mon suivi » lists), that
come due within COSIGNE_FOLLOW_UP_LEAD_DAYS, and of those that became overdue. Each item is
mailed once per notice (`signing.follow_up.notices`): the notices are kept in
``follow_up_notices`` in the transaction that queues the mail, and the table's unique key
refuses a second one.

The digest goes to the staff account of the document's school whose address is the document's
référent's (the contract's, or the convention's for its visit), when that account is active; a
document whose référent has no account is shown on the head's « Mon suivi » page and mailed to
no one."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.accounts.models import School, User
from service.clock import school_day
from service.context import Context
from service.documents.models import Document
from service.follow_up.notice_models import FollowUpNotice
from service.follow_up.summary import follow_up_of
from service.follow_up.visits_due import visits_due
from service.follow_up.week import current_contracts, pupil_name
from service.jobs.schedule import claim_run
from service.mail import outbox, staff_messages
from service.mail.addresses import header_text
from signing.data.french import format_date_fr
from signing.follow_up.due import DueItem
from signing.follow_up.notices import NoticeKind, item_key, notice_due
from signing.follow_up.vocabulary import PathwayState
from signing.follow_up.week import anchor_of
from signing.vocabulary import StaffRole

log = logging.getLogger(__name__)

JOB = "follow_up_notices"
EVERY = timedelta(hours=1)
"""Items fall due by the day: an hourly look is soon enough, and cheap."""

FOLLOWERS = (StaffRole.REFERENT, StaffRole.HEAD)


@dataclass(frozen=True)
class Pending:
    document_id: int
    pupil: str
    item: DueItem
    notice: NoticeKind


def notify_due(ctx: Context) -> int | None:
    """The number of digests queued, or None when the job was not due."""
    if not claim_run(ctx.db, JOB, EVERY, ctx.now()):
        return None
    with ctx.db.new_session() as session:
        pending = _pending(ctx, session)
    queued = 0
    for (school_id, user_id), items in pending.items():
        try:
            with ctx.db.transaction() as session:
                _send(ctx, session, school_id, user_id, items)
            queued += 1
        except IntegrityError:  # another worker noted these items first: it mailed them
            log.info("Suivi : échéances déjà signalées au compte %s.", user_id)
    return queued


def _pending(ctx: Context, session: Session) -> dict[tuple[int, int], list[Pending]]:
    """What each référent's account is to be told, by (school, account)."""
    found: dict[tuple[int, int], list[Pending]] = defaultdict(list)
    lead = ctx.settings.follow_up_lead_days
    for school in session.scalars(select(School).order_by(School.id)).all():
        school_id = school.id
        for document in current_contracts(session, school_id):
            user_id = _referent_account(session, school_id, document.data.get("referent"))
            follow_up = follow_up_of(session, document, ctx.now())
            if user_id is None or follow_up is None or follow_up.state == PathwayState.ENDED:
                continue
            sent = _sent(session, document.id)
            for item in follow_up.due:
                notice = notice_due(item, follow_up.today, lead)
                if notice is not None and (*item_key(item), notice) not in sent:
                    found[(school_id, user_id)].append(
                        Pending(document.id, pupil_name(document), item, notice)
                    )
        _visits_pending(ctx, session, school, found)
    return found


def _visits_pending(
    ctx: Context, session: Session, school: School, found: dict[tuple[int, int], list[Pending]]
) -> None:
    """The school's open site visits within the lead time or overdue, each for the account of
    its convention's référent, added to `found`."""
    lead = ctx.settings.follow_up_lead_days
    today = school_day(ctx.now(), school.uai)
    for item in visits_due(session, school.id, today=today, within_days=lead):
        document = session.get_one(Document, item.document_id)
        user_id = _referent_account(session, school.id, document.data.get("referent"))
        notice = notice_due(item, today, lead)
        if user_id is None or notice is None:
            continue
        if (*item_key(item), notice) not in _sent(session, document.id):
            found[(school.id, user_id)].append(
                Pending(document.id, pupil_name(document), item, notice)
            )


def _referent_account(session: Session, school_id: int, referent: object) -> int | None:
    email = referent.get("email") if isinstance(referent, dict) else None
    if not isinstance(email, str) or not email.strip():
        return None
    return session.scalars(
        select(User.id).where(
            User.school_id == school_id,
            User.active.is_(True),
            User.role.in_(FOLLOWERS),
            User.email == func.lower(email.strip()),
        )
    ).first()


def _sent(session: Session, document_id: int) -> set[tuple[str, int, object, NoticeKind]]:
    rows = session.execute(
        select(
            FollowUpNotice.what,
            FollowUpNotice.objective,
            FollowUpNotice.item_day,
            FollowUpNotice.notice,
        ).where(FollowUpNotice.document_id == document_id)
    )
    return {(what, objective, day, notice) for what, objective, day, notice in rows}


def _send(
    ctx: Context, session: Session, school_id: int, user_id: int, items: list[Pending]
) -> None:
    school, user = session.get_one(School, school_id), session.get_one(User, user_id)
    base = ctx.settings.base_url
    shown: dict[str, list[dict[str, str]]] = {"upcoming": [], "overdue": []}
    for p in sorted(items, key=lambda p: (p.item.day, p.pupil, p.document_id)):
        shown[p.notice.value].append(
            {
                "day": format_date_fr(p.item.day),
                "pupil": header_text(p.pupil),
                "label": p.item.label,
                "url": f"{base}/documents/{p.document_id}#{anchor_of(p.item)}",
            }
        )
    message = staff_messages.follow_up_digest(school, user.email, user.full_name, shown)
    row = outbox.queue(session, message, now=ctx.now(), purpose="follow_up_digest")
    session.flush()
    for p in items:
        what, objective, day = item_key(p.item)
        session.add(
            FollowUpNotice(
                document_id=p.document_id,
                what=what,
                objective=objective,
                item_day=day,
                notice=p.notice,
                recipient=user.email,
                outbox_id=row.id,
                sent_at=ctx.now(),
            )
        )
    session.flush()
