"""Issuing a draft: its PDF frozen, its signers decided by the kind's plan, each invited. The
pupil's age is judged on the day of issue, for the signers and for the switch at 18 of the
contract the document is an act of (`service.follow_up.majority`) alike."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from service.accounts.models import School, User
from service.accounts.permissions import require
from service.accounts.schools import school_identity
from service.clock import school_day
from service.context import Context
from service.documents import trail
from service.documents.listed import with_listed
from service.documents.models import Document
from service.documents.series import check_series
from service.documents.store import get_document, lock_document, set_document_state
from service.documents.validation import head_reserved, validate_request
from service.errors import Conflict
from service.follow_up.majority import contract_of, note_coming_of_age
from service.mail import outbox, staff_messages
from service.signers.inform import inform_at_issue
from service.signers.invite import invite
from service.signers.models import Signer
from signing.data.parties import (
    Addressed,
    AgeRule,
    SignerPlan,
    copied_guardians,
    informed_guardians,
)
from signing.data.school_identity import missing_identity
from signing.data.territory import territory_of
from signing.errors import ValidationFailed
from signing.i18n import signer_language
from signing.kinds import Kind
from signing.pdf.render import render_docx
from signing.permissions import StaffAction
from signing.vocabulary import DocumentState, EventType, Role, SignerState
from signing.workflow import awaits_in_school, decide_issue, mails_links


def issue_document(ctx: Context, user: User, document_id: int) -> Document:
    """Freeze the PDF, decide the signers, invite them. The PDF is made before the transaction
    (it takes a LibreOffice conversion), then the document moves only if still a draft."""
    require(user, StaffAction.ISSUE)
    now = ctx.now()
    with ctx.db.transaction() as session:
        document = get_document(session, user.school_id, document_id)
        decide_issue(document.state, [Role.HEAD])  # refuses early, before the PDF
        school = session.get(School, document.school_id)
        assert school is not None  # noqa: S101
        identity = school_identity(school)
        snapshot = _snapshot(session, document, school)
        kind, updated_at = document.kind, document.updated_at
    data, warnings, today = _revalidated(kind, snapshot, identity, now)
    pdf = ctx.converter().convert(render_docx(kind, data, identity, on=today))
    plan = kind.spec.plan(data, identity, today)
    informed = informed_guardians(data, plan)
    decision = decide_issue(DocumentState.DRAFT, [p.role for p in plan.parties])
    with ctx.db.transaction() as session:
        document = lock_document(session, document_id)
        school = session.get(School, document.school_id)
        assert school is not None  # noqa: S101
        if document.updated_at != updated_at:
            raise Conflict("le brouillon a été modifié pendant l'émission ; recommencez")
        set_document_state(
            session,
            document,
            DocumentState.DRAFT,
            decision.document_state,
            at=now,
            data=data,
            warnings=warnings,
            pdf=pdf,
            pdf_size=len(pdf),
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            issued_by=user.id,
            issued_at=now,
            deadline=kind.spec.deadline(data, today, ctx.settings.link_max_age_days),
        )
        trail.record(
            session,
            document,
            EventType.ISSUED,
            at=now,
            role=user.role,
            actor_name=user.full_name,
            data={
                "pdf_sha256": document.pdf_sha256,
                "age_rule": _age_rule(plan.age_rule),
                "informed": [person.full_name for person in informed],
                **_copied(data, plan),
            },
        )
        note_coming_of_age(session, document, contract_of(session, document), now, today)
        inform_at_issue(ctx, session, document, school, informed=informed, pdf=pdf, plan=plan)
        _add_signers(
            ctx, session, document, school, plan=plan, states=decision.signer_states, now=now
        )
        _ = document.pdf  # deferred column: the caller gets the frozen PDF with the document
    return document


def _snapshot(session: Session, document: Document, school: School) -> dict[str, Any]:
    """The draft's data as it will be issued: what Cosigne lists of its documents filled in,
    and checked with the pupil's other documents of its kind (`check_series`)."""
    snapshot = with_listed(session, document, dict(document.data), required=True)
    territory = territory_of(school.uai)
    check_series(
        session, document.school_id, document.kind, snapshot, territory, document_id=document.id
    )
    return snapshot


def _revalidated(
    kind: Kind, snapshot: dict[str, Any], identity: dict[str, Any], now: datetime
) -> tuple[dict[str, Any], list[dict[str, str]], date]:
    """The draft's data checked again on the school's day (a draft saved weeks ago may no
    longer hold: ages, dates), with its warnings and that day; refused while the school's
    identity misses what a clause prints."""
    missing = missing_identity(identity)
    if missing:
        raise ValidationFailed(missing)
    today = school_day(now, identity["uai"])
    territory = territory_of(identity["uai"])
    reserved = head_reserved(identity["head"].get("email"))
    _, data, warnings = validate_request(
        {"kind": kind, "data": snapshot}, today, territory, reserved, issuing=True
    )
    return data, warnings, today


def _copied(data: dict[str, Any], plan: SignerPlan) -> dict[str, list[str]]:
    """The guardians who get the final PDF of a pupil who signs alone and agreed (`copied`)."""
    copied = [person.full_name for person in copied_guardians(data, plan)]
    return {"copied": copied} if copied else {}


def _age_rule(rule: AgeRule) -> dict[str, Any]:
    """The age decision behind the signers, as the `issued` event keeps it for the evidence."""
    return {
        "reference_date": rule.reference_date.isoformat(),
        "issue_date": (rule.issue_date or rule.reference_date).isoformat(),
        "pupil_age": rule.pupil_age,
        "emancipated": rule.emancipated,
        "guardian_required": rule.guardian_required,
    }


def _add_signers(
    ctx: Context,
    session: Session,
    document: Document,
    school: School,
    *,
    plan: SignerPlan,
    states: Sequence[SignerState],
    now: datetime,
) -> None:
    """One row per party of the plan, in its order; those the workflow invites now are mailed,
    each message naming its person when another party shares their address (every row is
    written first, so each invitation knows them all) — but for those who sign in person or on
    paper (`mails_links`): their turn comes unmailed, and the school is told."""
    signers = [
        Signer(
            document_id=document.id,
            role=party.role,
            position=position,
            guardian_index=party.index if party.role is Role.GUARDIAN else None,
            first_name=party.first_name,
            last_name=party.last_name,
            email=party.email,
            language=signer_language(document.data, party.role, party.index),
            state=state,
        )
        for position, (party, state) in enumerate(zip(plan.parties, states, strict=True))
    ]
    session.add_all(signers)
    session.flush()
    addressees: tuple[Addressed, ...] = (*plan.parties, *informed_guardians(document.data, plan))
    for signer in signers:
        if signer.state is SignerState.INVITED:
            signer.invited_at = now
            if not mails_links(signer.signs_by):
                trail.record(
                    session,
                    document,
                    EventType.AWAITED_IN_SCHOOL,
                    at=now,
                    signer=signer,
                    data={"signs_by": signer.signs_by.value},
                )
                continue
            invite(
                ctx,
                session,
                document=document,
                school=school,
                signer=signer,
                now=now,
                addressees=addressees,
            )
            trail.record(session, document, EventType.INVITED, at=now, signer=signer)
    _tell_the_school(ctx, session, document, school, signers, now=now)


def _tell_the_school(
    ctx: Context,
    session: Session,
    document: Document,
    school: School,
    signers: Sequence[Signer],
    *,
    now: datetime,
) -> None:
    """The head and the référent are told which signers, mailed no link, wait for a signature
    in person or on paper at the school (`in_school_notice`): no one else will ask them."""
    waiting = [s for s in signers if awaits_in_school(s.signs_by, s.state)]
    if not waiting:
        return
    url = f"{ctx.settings.base_url}/documents/{document.id}"
    referent = (document.data.get("referent") or {}).get("email") or ""
    for to in dict.fromkeys(a for a in (school.head_email, referent) if a):
        message = staff_messages.in_school_notice(document, waiting, school, to, url)
        outbox.queue(session, message, now=now)
