"""The worker's job: documents past their signing deadline stop waiting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from service.clock import paris_day, school_day
from service.context import Context
from service.documents import trail
from service.documents.models import Document
from service.documents.store import lock_document, set_document_state
from signing.vocabulary import EventType
from signing.workflow import EXPIRES_IN, decide_expire


def expire_due(ctx: Context) -> int:
    """Documents past their deadline stop waiting: `expired`, every link dead."""
    now = ctx.now()
    # The day differs by one at most between territories: a wider query, then each document
    # judged on its school's day.
    latest = paris_day(now) + timedelta(days=1)
    with ctx.db.new_session() as session:
        due = session.scalars(
            select(Document.id).where(Document.state.in_(EXPIRES_IN), Document.deadline < latest)
        ).all()
    done = 0
    for document_id in due:
        with ctx.db.transaction() as session:
            document = lock_document(session, document_id)
            today = school_day(now, document.school.uai)
            if document.state not in EXPIRES_IN or not (
                document.deadline and document.deadline < today
            ):
                continue
            set_document_state(
                session,
                document,
                document.state,
                decide_expire(document.state),
                at=now,
            )
            for signer in document.signers:
                signer.link_nonce = None
            trail.record(
                session,
                document,
                EventType.EXPIRED,
                at=now,
                data={"deadline": document.deadline.isoformat() if document.deadline else None},
            )
            done += 1
    return done
