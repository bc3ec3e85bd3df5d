"""Use cases, one transaction each. They ask `signing.workflow` what may happen, apply the answer
with a compare-and-set (``UPDATE … WHERE state = :expected``) and record the events and the mail
in the same transaction, so a double click or two signers at once give one clean answer.

Usable without Flask: every function takes a `Context` (database, settings, converter).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from service import events, mail
from service.db import Database
from service.models import Base, Document, School, Signer, User
from service.settings import Settings
from signing.archive import Archive
from signing.errors import (
    CosigneError,
    FieldIssue,
    LinkRevoked,
    TransitionRefused,
    ValidationFailed,
)
from signing.links import LinkClaims, LinkPurpose, LinkSigner, check_nonce, new_nonce
from signing.model import Role
from signing.parties import plan_signers
from signing.pipeline import Converter, split_request
from signing.render import render_docx
from signing.schema import validate_document
from signing.workflow import (
    AmendmentView,
    DocumentState,
    SignerState,
    SignerView,
    decide_amend,
    decide_cancel,
    decide_decline,
    decide_edit,
    decide_expire,
    decide_issue,
    decide_open,
    decide_remind,
    decide_sign,
)

PARIS_UTC_OFFSET_GUARD = timedelta(hours=2)


class NotFound(CosigneError):
    """No such document for this school (another school's document is not found either)."""


class Conflict(CosigneError):
    """Someone else changed the document at the same moment; nothing was changed."""


class DeadLink(CosigneError):
    """A signing link that no longer leads anywhere, with the reason a person can understand."""

    def __init__(self, reason: str, message: str, contact: str | None = None) -> None:
        self.reason = reason
        self.contact = contact
        super().__init__(message)


class SignatureRefused(CosigneError):
    """The signing form is incomplete or wrong; `issues` say which field and why."""

    def __init__(self, issues: list[FieldIssue]) -> None:
        self.issues = issues
        super().__init__("; ".join(i.message for i in issues))


@dataclass(frozen=True)
class Context:
    db: Database
    settings: Settings
    converter: Callable[[], Converter]
    """Called only when a PDF must be made (LibreOffice starts on first use)."""
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())

    def now(self) -> datetime:
        return self.clock()

    def link_signer(self, purpose: LinkPurpose = LinkPurpose.SIGN) -> LinkSigner:
        keys = (*reversed(self.settings.secret_key_fallbacks), self.settings.secret_key)
        return _link_signer(keys, purpose, self.settings.link_max_age_days)

    def sign_url(self, token: str) -> str:
        return f"{self.settings.base_url}/sign/{token}"


@functools.lru_cache(maxsize=16)
def _link_signer(keys: tuple[str, ...], purpose: LinkPurpose, max_age_days: int) -> LinkSigner:
    """One `LinkSigner` per keys and purpose (it holds no state but them): made once, not per
    request."""
    return LinkSigner(keys, purpose, timedelta(days=max_age_days))


def fold(text: str) -> str:
    """Lowercase, without accents, punctuation as spaces: "Lefèvre-Nguyễn" → "lefevre nguyen"."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def pupil_search(data: dict[str, Any]) -> str:
    pupil = data.get("pupil") or {}
    return fold(f"{pupil.get('first_name', '')} {pupil.get('last_name', '')}")[:250]


def paris_day(moment: datetime) -> date:
    from service.clock import PARIS  # noqa: PLC0415 — keeps the module's imports about storage

    return moment.astimezone(PARIS).date()


def school_identity(school: School) -> dict[str, Any]:
    """The school as documents print it (the shape of examples/school.json)."""
    return {
        "uai": school.uai,
        "name": school.name,
        "status": school.status,
        "address": school.address,
        "email": school.email or school.head_email,
        "phone": school.phone or "",
        "head": {
            "first_name": school.head_first_name,
            "last_name": school.head_last_name,
            "title": school.head_title or "Chef d'établissement",
            "email": school.head_email,
        },
        "board_approval_date": (
            school.board_approval_date.isoformat() if school.board_approval_date else None
        ),
    }


# ---------------------------------------------------------------------------------------------
# Reading


def get_document(session: Session, school_id: int, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None or document.school_id != school_id:
        raise NotFound(f"document {document_id} introuvable")
    return document


def list_documents(
    session: Session,
    school_id: int,
    *,
    state: str | None = None,
    kind: str | None = None,
    pupil: str | None = None,
    school_year: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[Document], int]:
    query = select(Document).where(Document.school_id == school_id)
    if school_year is not None:
        query = query.where(Document.school_year == school_year)
    if state:
        query = query.where(Document.state == state)
    if kind:
        query = query.where(Document.kind == kind)
    if pupil:
        folded = fold(pupil).replace("\\", "").replace("%", "").replace("_", " ")
        query = query.where(Document.pupil_search.like(f"%{folded}%"))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(Document.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(items), total


def document_pdf(ctx: Context, session: Session, document: Document) -> bytes:
    """The draft preview (rendered now), the frozen PDF once issued, the archived final PDF
    once completed (read through the archive, which checks its hash)."""
    if document.final_pdf_sha256 and document.state == "completed":
        return Archive(ctx.settings.archive_dir).get(document.final_pdf_sha256)
    if document.pdf is not None:
        return document.pdf
    school = session.get(School, document.school_id)
    assert school is not None  # noqa: S101 — a foreign key guarantees it
    docx = render_docx(
        document.kind, document.data, school_identity(school), on=paris_day(ctx.now())
    )
    return ctx.converter().convert(docx)


# ---------------------------------------------------------------------------------------------
# Staff actions


def _validate(body: object, today: date) -> tuple[str, dict[str, Any], list[dict[str, str]]]:
    kind, data = split_request(body)
    validated = validate_document(kind, data, today=today)
    return kind, validated.data, [w.as_json() for w in validated.warnings]


def lock_document(session: Session, document_id: int) -> Document:
    """The document's row, locked until the transaction ends (SQLite: BEGIN IMMEDIATE already
    serialises writers), so events are numbered and chained one writer at a time."""
    document = session.scalars(
        select(Document).where(Document.id == document_id).with_for_update()
    ).one_or_none()
    if document is None:
        raise NotFound(f"document {document_id} introuvable")
    return document


def set_document_state(
    session: Session, document: Document, expected: str, new: str, **values: Any
) -> None:
    """Compare-and-set the document's state; Conflict when someone moved it first."""
    result = session.execute(
        update(Document)
        .where(Document.id == document.id, Document.state == expected)
        .values(state=new, updated_at=values.pop("at"), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("le document vient d'être modifié par ailleurs ; rechargez la page")
    session.refresh(document)


def _set_signer(session: Session, signer: Signer, expected: tuple[str, ...], **values: Any) -> None:
    result = session.execute(
        update(Signer)
        .where(Signer.id == signer.id, Signer.state.in_(expected))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("cette signature vient d'être enregistrée par ailleurs")
    for key, value in values.items():  # what was just written, without reading it back
        set_committed_value(signer, key, value)


def create_document(ctx: Context, user: User, body: object) -> Document:
    now = ctx.now()
    kind, data, warnings = _validate(_with_amendment(body, None), paris_day(now))
    with ctx.db.transaction() as session:
        return _add_document(session, user, kind, data, warnings, now=now)


def _add_document(
    session: Session,
    user: User,
    kind: str,
    data: dict[str, Any],
    warnings: list[dict[str, str]],
    *,
    now: datetime,
    amends: Document | None = None,
) -> Document:
    """A new draft of the user's school, with what is derived from its data, and its `created`
    event (naming the document it amends, if any)."""
    document = Document(
        school_id=user.school_id,
        kind=kind,
        data=data,
        pupil_search=pupil_search(data),
        warnings=warnings,
        amends_id=amends.id if amends else None,
        pathway_id=_pathway_of(session, user.school_id, kind, data),
        school_year=school_year_of(data),
        created_at=now,
        updated_at=now,
    )
    session.add(document)
    session.flush()
    events.record(
        session,
        document,
        "created",
        at=now,
        role=user.role,
        actor_name=user.full_name,
        data={"amends": amends.id} if amends else None,
    )
    return document


def update_document(ctx: Context, user: User, document_id: int, body: object) -> Document:
    now = ctx.now()
    with ctx.db.transaction() as session:
        document = get_document(session, user.school_id, document_id)
        decide_edit(DocumentState(document.state))
        if isinstance(body, dict) and "kind" not in body:
            body = {**body, "kind": document.kind}
        stamp = document.data.get("amends") if document.amends_id else None
        kind, data, warnings = _validate(_with_amendment(body, stamp), paris_day(now))
        if kind != document.kind:
            raise ValidationFailed([FieldIssue("kind", "le type d'un document ne change pas")])
        document = lock_document(session, document.id)
        set_document_state(
            session,
            document,
            "draft",
            "draft",
            at=now,
            data=data,
            warnings=warnings,
            pupil_search=pupil_search(data),
            pathway_id=_pathway_of(session, user.school_id, kind, data),
            school_year=school_year_of(data),
        )
        events.record(
            session, document, "updated", at=now, role=user.role, actor_name=user.full_name
        )
    return document


# ---------------------------------------------------------------------------------------------
# Links between documents (amendments, a pathway's conventions) and school years


def school_year(day: date) -> int:
    """The school year `day` falls in, by its first year: 1 September 2026 to 31 August 2027 is
    2026 (« 2026-2027 »)."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(year: int) -> str:
    """2026 → « 2026-2027 »."""
    return f"{year}-{year + 1}"


def parse_school_year(label: str) -> int | None:
    """« 2026-2027 » → 2026; None for anything else."""
    first, _, second = label.strip().partition("-")
    if not (first.isascii() and first.isdigit() and second.isascii() and second.isdigit()):
        return None
    year = int(first)
    return year if len(first) == 4 and int(second) == year + 1 and 1900 < year < 2200 else None


def school_year_of(data: dict[str, Any]) -> int | None:
    """The school year of a document: the one its start date falls in (None without one)."""
    start = data.get("start_date")
    try:
        return school_year(date.fromisoformat(str(start))) if start else None
    except ValueError:
        return None


def _pathway_of(session: Session, school_id: int, kind: str, data: dict[str, Any]) -> int | None:
    """The pathway contract a convention names in ``parcours_id``, which must be one of the
    school's contracts. A reference that is not a number (a contract signed on paper) is printed
    as it is and links nothing."""
    reference = data.get("parcours_id")
    if kind != "convention" or not isinstance(reference, int) or isinstance(reference, bool):
        return None
    pathway = session.get(Document, reference)
    if pathway is None or pathway.school_id != school_id or pathway.kind != "parcours":
        raise ValidationFailed(
            [
                FieldIssue(
                    "parcours_id",
                    f"Contrat de parcours associé : aucun contrat de parcours n° {reference} "
                    "dans votre établissement.",
                )
            ]
        )
    return pathway.id


def _with_amendment(body: object, stamp: dict[str, Any] | None) -> object:
    """`body` with ``data.amends`` set to `stamp` (the amended document's number and date, or
    None): Cosigne fills it, so a caller who sends another value is told so."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return body
    data = body["data"]
    given = data.get("amends")
    if given not in (None, stamp):
        raise ValidationFailed(
            [
                FieldIssue(
                    "amends",
                    "Document modifié par cet avenant : ce champ est rempli par Cosigne ; "
                    "pour établir un avenant, indiquez le numéro du document dans « amends ».",
                )
            ]
        )
    return {**body, "data": {**data, "amends": stamp}}


def amendment_stamp(document: Document) -> dict[str, Any]:
    """What an amendment of `document` prints about it: its number and the day it was
    completed (Paris time)."""
    completed = document.completed_at or document.updated_at
    return {"id": document.id, "date": paris_day(completed).isoformat()}


def create_amendment(
    ctx: Context, user: User, document_id: int, body: object | None = None
) -> Document:
    """Start an amendment (avenant) of a completed document: a new draft linked to it, to be
    issued and signed again; the amended document stays as it is, readable.

    The workflow decides (`decide_amend`: the latest completed version only, one amendment at a
    time), under the amended document's lock, so a double click makes one draft. Without `body`
    the draft takes the amended document's data; with it (the API) the data given, of the same
    kind. The data signed then may no longer hold today (past dates): the draft keeps it and its
    warnings say what to correct before issuing.
    """
    now = ctx.now()
    today = paris_day(now)
    with ctx.db.transaction() as session:
        source = lock_document(session, get_document(session, user.school_id, document_id).id)
        amendments = [
            AmendmentView(id_, DocumentState(state))
            for id_, state in session.execute(
                select(Document.id, Document.state).where(Document.amends_id == source.id)
            )
        ]
        decide_amend(DocumentState(source.state), amendments)  # the new one is a draft
        stamp = amendment_stamp(source)
        if body is None:
            data = {**copy.deepcopy(source.data), "amends": stamp}
            try:
                validated = validate_document(source.kind, data, today=today)
            except ValidationFailed as exc:
                warnings = [issue.as_json() for issue in (*exc.errors, *exc.warnings)]
            else:
                data = validated.data
                warnings = [issue.as_json() for issue in validated.warnings]
        else:
            kind, data, warnings = _validate(_with_amendment(body, stamp), today)
            if kind != source.kind:
                raise ValidationFailed(
                    [FieldIssue("kind", "un avenant est du même type que le document modifié")]
                )
        return _add_document(session, user, source.kind, data, warnings, now=now, amends=source)


def amendments_of(session: Session, document: Document) -> list[Document]:
    """The amendments of `document`, oldest first."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.school_id == document.school_id, Document.amends_id == document.id)
            .order_by(Document.id)
        )
    )


def conventions_of(session: Session, pathway: Document) -> list[Document]:
    """The internship agreements linked to a pathway contract, oldest first."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.school_id == pathway.school_id, Document.pathway_id == pathway.id)
            .order_by(Document.id)
        )
    )


def count_by_state(
    session: Session, school_id: int, *, school_year: int | None = None
) -> dict[str, int]:
    """How many of the school's documents are in each state (of one school year, if given), in
    one query; states without a document are absent."""
    query = select(Document.state, func.count()).where(Document.school_id == school_id)
    if school_year is not None:
        query = query.where(Document.school_year == school_year)
    return {state: int(n) for state, n in session.execute(query.group_by(Document.state))}


def school_years(session: Session, school_id: int) -> list[int]:
    """The school years of the school's documents, newest first."""
    return list(
        session.scalars(
            select(Document.school_year)
            .where(Document.school_id == school_id, Document.school_year.is_not(None))
            .distinct()
            .order_by(Document.school_year.desc())
        )
    )


def _deadline(kind: str, data: dict[str, Any], today: date, max_age_days: int) -> date:
    """Signatures are due within the link's life and, for an internship, before it starts."""
    deadline = today + timedelta(days=max_age_days)
    if kind == "convention":
        start = date.fromisoformat(data["start_date"])
        if start > today:
            deadline = min(deadline, start - timedelta(days=1))
    return deadline


def _invite(
    ctx: Context,
    session: Session,
    *,
    document: Document,
    school: School,
    signer: Signer,
    now: datetime,
    reminder: bool = False,
    rotate: bool = True,
) -> None:
    """Mail the signer a link. A new nonce (`rotate`) kills every older link; a reminder keeps
    the nonce, so the link of the first message still works, with a fresh expiry."""
    if rotate or not signer.link_nonce:
        signer.link_nonce = new_nonce()
    token = ctx.link_signer().make(signer.id, signer.link_nonce, now=now)
    compose = mail.reminder if reminder else mail.invitation
    mail.queue(session, compose(document, signer, school, ctx.sign_url(token)), now=now)


def issue_document(ctx: Context, user: User, document_id: int) -> Document:
    """Freeze the PDF, decide the signers, invite them. The PDF is made before the transaction
    (it takes a LibreOffice conversion), then the document moves only if still a draft."""
    now = ctx.now()
    today = paris_day(now)
    with ctx.db.transaction() as session:
        document = get_document(session, user.school_id, document_id)
        decide_issue(DocumentState(document.state), [Role.HEAD])  # refuses early, before the PDF
        school = session.get(School, document.school_id)
        assert school is not None  # noqa: S101
        identity = school_identity(school)
        snapshot, kind, updated_at = dict(document.data), document.kind, document.updated_at
    # Re-validated against today: a draft saved weeks ago may no longer hold (ages, dates).
    _, data, warnings = _validate({"kind": kind, "data": snapshot}, today)
    pdf = ctx.converter().convert(render_docx(kind, data, identity, on=today))
    plan = plan_signers(kind, data, identity, today)
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
            "draft",
            decision.document_state,
            at=now,
            data=data,
            warnings=warnings,
            pdf=pdf,
            pdf_size=len(pdf),
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            issued_by=user.id,
            issued_at=now,
            deadline=_deadline(kind, data, today, ctx.settings.link_max_age_days),
        )
        rule = plan.age_rule
        events.record(
            session,
            document,
            "issued",
            at=now,
            role=user.role,
            actor_name=user.full_name,
            data={
                "pdf_sha256": document.pdf_sha256,
                "age_rule": {
                    "reference_date": rule.reference_date.isoformat(),
                    "pupil_age": rule.pupil_age,
                    "emancipated": rule.emancipated,
                    "guardian_required": rule.guardian_required,
                },
            },
        )
        for position, (party, state) in enumerate(
            zip(plan.parties, decision.signer_states, strict=True)
        ):
            signer = Signer(
                document_id=document.id,
                role=party.role.value,
                position=position,
                guardian_index=party.index if party.role is Role.GUARDIAN else None,
                first_name=party.first_name,
                last_name=party.last_name,
                email=party.email,
                state=state.value,
            )
            session.add(signer)
            session.flush()
            if state is SignerState.INVITED:
                signer.invited_at = now
                _invite(ctx, session, document=document, school=school, signer=signer, now=now)
                events.record(session, document, "invited", at=now, signer=signer)
        _ = document.pdf  # deferred column: the caller gets the frozen PDF with the document
    return document


def cancel_document(ctx: Context, user: User, document_id: int, reason: str) -> Document:
    now = ctx.now()
    reason = " ".join(reason.split())
    if not reason or len(reason) > 500:
        raise ValidationFailed(
            [FieldIssue("reason", "indiquez le motif de l'annulation (500 caractères au plus)")]
        )
    with ctx.db.transaction() as session:
        document = lock_document(session, get_document(session, user.school_id, document_id).id)
        expected = document.state
        new = decide_cancel(DocumentState(expected))
        set_document_state(session, document, expected, new, at=now, cancel_reason=reason)
        school = document.school
        for signer in document.signers:
            if signer.link_nonce and signer.state in (SignerState.INVITED, SignerState.OPENED):
                mail.queue(session, mail.cancelled(document, signer, school, reason), now=now)
            signer.link_nonce = None  # every link dies
        events.record(
            session,
            document,
            "cancelled",
            at=now,
            role=user.role,
            actor_name=user.full_name,
            data={"reason": reason},
        )
    return document


def remind_signer(
    ctx: Context,
    user: User | None,
    document_id: int,
    signer_id: int,
    *,
    school_id: int | None = None,
    rotate: bool = False,
    due_before: datetime | None = None,
) -> Signer | None:
    """Send the signer a reminder. With `rotate` (resend a link), the previous link dies.

    `due_before` (automatic reminders): remind only if the last message is older, checked under
    the lock, so two workers never send the same reminder twice (None is returned then).
    """
    now = ctx.now()
    with ctx.db.transaction() as session:
        scope = user.school_id if user else school_id
        assert scope is not None  # noqa: S101
        document = lock_document(session, get_document(session, scope, document_id).id)
        signer = next((s for s in document.signers if s.id == signer_id), None)
        if signer is None:
            raise NotFound(f"signataire {signer_id} introuvable")
        decide_remind(DocumentState(document.state), SignerState(signer.state))
        last_message = signer.last_reminded_at or signer.invited_at
        if due_before is not None and last_message is not None and last_message > due_before:
            return None
        _invite(
            ctx,
            session,
            document=document,
            school=document.school,
            signer=signer,
            now=now,
            reminder=True,
            rotate=rotate,
        )
        signer.reminder_count += 1
        signer.last_reminded_at = now
        events.record(
            session,
            document,
            "reminded",
            at=now,
            signer=signer,
            data={"by": user.full_name if user else "rappel automatique"},
        )
    return signer


# ---------------------------------------------------------------------------------------------
# Signers (public, through their link)


@dataclass(frozen=True)
class SigningView:
    """What the signer's page shows."""

    document: Document
    signer: Signer
    school: School
    expires_at: datetime
    rows: str | None = None
    """Every value the page may show, as read for a visit that wrote nothing (None after a
    write): equal `rows` of one link give the same page."""


_DEAD_MESSAGES = {
    "signed": "Vous avez déjà signé ce document : il n'y a plus rien à faire.",
    "declined": "Vous avez refusé de signer ce document.",
    "cancelled": "Ce document a été annulé par l'établissement.",
    "expired": "Le délai de signature de ce document est dépassé.",
    "replaced": (
        "Ce lien a été remplacé par un lien plus récent : utilisez le dernier courriel reçu."
    ),
    "closed": "Ce document ne peut plus être signé.",
    "waiting": "Ce n'est pas encore à vous de signer ce document.",
}


def _dead(reason: str, school: School | None) -> DeadLink:
    contact = None
    if school is not None:
        contact = f"{school.name} — {school.email or school.head_email}"
    return DeadLink(reason, _DEAD_MESSAGES[reason], contact)


def _link_dead_unless_live(
    claims: LinkClaims, signer: Signer, document: Document, school: School
) -> None:
    """DeadLink, with the reason a person understands, unless `claims` carry the signer's
    current nonce and the document awaits signatures."""
    try:
        check_nonce(claims, signer.link_nonce)
    except LinkRevoked:
        if signer.state in ("signed", "declined"):
            raise _dead(signer.state, school) from None
        if document.state in ("cancelled", "expired"):
            raise _dead(document.state, school) from None
        if document.state != "awaiting_signatures":
            raise _dead("closed", school) from None
        raise _dead("replaced", school) from None
    if document.state != "awaiting_signatures":
        raise _dead("closed", school)


_LIVE_SIGNER = (
    select(Signer)
    .join(Signer.document)
    .join(Document.school)
    .where(Signer.id == bindparam("signer_id"))
    .options(contains_eager(Signer.document).contains_eager(Document.school))
)
_LIVE_SIGNER_LOCKED = _LIVE_SIGNER.with_for_update(of=Document)


def _live_signer(
    ctx: Context, session: Session, token: str, now: datetime, *, lock: bool = False
) -> tuple[Signer, LinkClaims]:
    """The signer a token leads to, if the link is still alive; DeadLink otherwise.

    One query: the signer with its document and school (never the PDF, a deferred column);
    with `lock`, the same statement takes the document's row lock (as `lock_document` does), so
    a write needs no second query. LinkInvalid and LinkExpired (forged or too old) pass through
    unchanged.
    """
    claims = ctx.link_signer().read(token, now=now)
    query = _LIVE_SIGNER_LOCKED if lock else _LIVE_SIGNER
    signer = session.scalars(query, {"signer_id": claims.subject_id}).one_or_none()
    if signer is None:
        raise LinkRevoked
    _link_dead_unless_live(claims, signer, signer.document, signer.document.school)
    return signer, claims


_SIGNER_COLUMNS = (
    *(Signer.id, Signer.document_id, Signer.role, Signer.first_name, Signer.last_name),
    *(Signer.state, Signer.link_nonce, Signer.opened_at),
)
_DOCUMENT_COLUMNS = (
    *(Document.id, Document.school_id, Document.kind, Document.state, Document.data),
    *(Document.pdf_sha256, Document.pdf_size, Document.deadline),
)
_SCHOOL_COLUMNS = (
    *(School.id, School.name, School.email, School.phone, School.head_email),
    *(School.head_first_name, School.head_last_name, School.head_title),
)
"""What checking a link (`_link_dead_unless_live`, `_first_open`) and the signer's page read:
these columns only, so the rendered page is kept under exactly the values it shows."""
_LINK_QUERY = (
    select(*_SIGNER_COLUMNS, *_DOCUMENT_COLUMNS, *_SCHOOL_COLUMNS)
    .select_from(Signer)
    .join(Document, Document.id == Signer.document_id)
    .join(School, School.id == Document.school_id)
    .where(Signer.id == bindparam("signer_id"))
)
"""A signing link's signer, document and school, in one statement built once."""


_Model = TypeVar("_Model", bound=Base)


def _unattached(model: type[_Model], values: dict[str, Any]) -> _Model:
    """An instance of `model` holding `values`, in no session, filled as the ORM fills the rows
    it loads (straight into the instance's dict): the constructor's per-attribute events cost
    more than the query. For reading only."""
    instance: _Model = model.__mapper__.class_manager.new_instance()
    instance.__dict__.update(values)
    return instance


def _read_link(ctx: Context, token: str, now: datetime) -> tuple[SigningView, LinkClaims]:
    """The whole check of a link (signature, age, nonce, states), read-only: one statement
    (`Database.read_one`), no ORM session, no lock. The view holds unattached copies of the
    rows, for showing only."""
    links = ctx.link_signer()
    claims = links.read(token, now=now)
    row = ctx.db.read_one(_LINK_QUERY, {"signer_id": claims.subject_id})
    if row is None:
        raise LinkRevoked
    values = iter(row)
    signer = _unattached(Signer, {c.key: next(values) for c in _SIGNER_COLUMNS})
    document = _unattached(Document, {c.key: next(values) for c in _DOCUMENT_COLUMNS})
    school = _unattached(School, {c.key: next(values) for c in _SCHOOL_COLUMNS})
    _link_dead_unless_live(claims, signer, document, school)
    view = SigningView(document, signer, school, claims.signed_at + links.max_age, repr(row))
    return view, claims


def _first_open(document: Document, signer: Signer, claims: LinkClaims) -> bool:
    """Whether this visit belongs in the audit trail: the workflow moves the signer (the
    invitation's first open), or this link was never opened. A reminder or a resent link keeps
    the signer `opened` but mails a link of its own, made after the last recorded open, so the
    first visit through each new link is recorded once; every other visit is a pure read.
    (A link's time is to the second: one resent within the second of the last recorded open
    is taken as already opened.)"""
    opened = decide_open(DocumentState(document.state), SignerState(signer.state))
    if opened.value != signer.state:
        return True
    return signer.opened_at is None or signer.opened_at < claims.signed_at


def open_link(ctx: Context, token: str, origin: events.Origin) -> SigningView:
    """The signer opens their page; never uses the link up (mail scanners open links).

    The link is checked in full on every visit (signature, age, nonce, states), read-only.
    Only the first visit through a link (`_first_open`) writes: the signer's state and
    `opened_at` by compare-and-set and an `opened` event, under the document's lock. Later
    visits write nothing and lock nothing.
    """
    now = ctx.now()
    view, claims = _read_link(ctx, token, now)
    if not _first_open(view.document, view.signer, claims):
        return view
    with ctx.db.transaction() as session:
        signer, claims = _live_signer(ctx, session, token, now, lock=True)  # again, locked
        document = signer.document
        if _first_open(document, signer, claims):
            opened = decide_open(DocumentState(document.state), SignerState(signer.state))
            _set_signer(session, signer, (signer.state,), state=opened.value, opened_at=now)
            events.record(session, document, "opened", at=now, origin=origin, signer=signer)
        return SigningView(document, signer, document.school, view.expires_at)


def names_match(typed: str, expected: str) -> bool:
    """The typed name is the signer's, case, accents, hyphens and word order aside."""
    words = sorted(fold(typed).split())
    return bool(words) and words == sorted(fold(expected).split())


CONSENT_TEXT = (
    "J'ai lu le document et j'accepte de le signer électroniquement. Ma signature a la même "
    "valeur qu'une signature manuscrite."
)


def _signature_issues(
    consent: bool, full_name: str, signer: Signer, *, who: str = "votre nom"
) -> list[FieldIssue]:
    issues = []
    if not consent:
        issues.append(FieldIssue("consent", "Cochez la case pour accepter de signer."))
    if not names_match(full_name, signer.full_name):
        issues.append(
            FieldIssue(
                "full_name",
                f"Saisissez {who} tel qu'il figure sur le document : {signer.full_name}.",
            )
        )
    return issues


def _record_signature(
    ctx: Context,
    session: Session,
    document: Document,
    signer: Signer,
    origin: events.Origin,
    *,
    now: datetime,
    full_name: str,
    signature_png: bytes | None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Apply the workflow's answer to one signature: the signer's row (its link dies), the
    event, the head's invitation once everyone else has signed, the document's new state."""
    views = [SignerView(s.id, Role(s.role), SignerState(s.state)) for s in document.signers]
    decision = decide_sign(DocumentState(document.state), views, signer.id)
    _set_signer(
        session,
        signer,
        ("invited", "opened"),
        state=decision.signer_state.value,
        signed_at=now,
        link_nonce=None,
        sign_ip=origin.ip,
        sign_user_agent=(origin.user_agent or "")[:500] or None,
        signed_pdf_sha256=document.pdf_sha256,
        consent_text=CONSENT_TEXT,
        typed_name=" ".join(full_name.split())[:250],
        signature_png=signature_png,
    )
    events.record(
        session,
        document,
        "signed",
        at=now,
        origin=origin,
        signer=signer,
        data={
            "pdf_sha256": document.pdf_sha256,
            "drawn": signature_png is not None,
            **(extra or {}),
        },
    )
    for next_id in decision.invite:
        head = next(s for s in document.signers if s.id == next_id)
        _set_signer(session, head, ("waiting",), state="invited", invited_at=now)
        _invite(ctx, session, document=document, school=document.school, signer=head, now=now)
        events.record(session, document, "invited", at=now, signer=head)
    if decision.document_state != document.state:
        set_document_state(session, document, document.state, decision.document_state, at=now)


def sign(
    ctx: Context,
    token: str,
    origin: events.Origin,
    *,
    consent: bool,
    full_name: str,
    signature_png: bytes | None,
    shown_pdf_sha256: str | None,
) -> Signer:
    """Record one signature (the POST uses the link up). When it is the last but the head's, the
    head is invited; when it is the last of all, the document becomes `signed`. The signer
    comes back with its document and school loaded, for the page that thanks them."""
    now = ctx.now()
    with ctx.db.transaction() as session:
        # The document is locked by this first query; a signer row read while waiting for the
        # lock may be older than it, which the compare-and-set on its state then refuses.
        signer, _ = _live_signer(ctx, session, token, now, lock=True)
        document = signer.document
        issues = _signature_issues(consent, full_name, signer)
        if shown_pdf_sha256 and shown_pdf_sha256 != document.pdf_sha256:
            issues.append(
                FieldIssue("pdf", "Le document a changé depuis son affichage : rechargez la page.")
            )
        if issues:
            raise SignatureRefused(issues)
        _record_signature(
            ctx,
            session,
            document,
            signer,
            origin,
            now=now,
            full_name=full_name,
            signature_png=signature_png,
        )
        _ = document.school  # the caller's page names it (reloaded if the state moved)
    return signer


def decline(ctx: Context, token: str, origin: events.Origin, *, reason: str) -> Signer:
    now = ctx.now()
    reason = " ".join(reason.split())
    if not reason or len(reason) > 1000:
        raise SignatureRefused(
            [
                FieldIssue(
                    "reason",
                    "Indiquez en quelques mots pourquoi vous refusez (1 000 caractères au plus).",
                )
            ]
        )
    with ctx.db.transaction() as session:
        signer, _ = _live_signer(ctx, session, token, now)
        document = lock_document(session, signer.document_id)
        decision = decide_decline(DocumentState(document.state), SignerState(signer.state))
        _set_signer(
            session,
            signer,
            ("invited", "opened"),
            state=decision.signer_state.value,
            declined_at=now,
            decline_reason=reason,
            link_nonce=None,
            sign_ip=origin.ip,
            sign_user_agent=(origin.user_agent or "")[:500] or None,
        )
        set_document_state(session, document, document.state, decision.document_state, at=now)
        for other in document.signers:
            other.link_nonce = None
        events.record(
            session,
            document,
            "declined",
            at=now,
            origin=origin,
            signer=signer,
            data={"reason": reason},
        )
        mail.queue(
            session, mail.declined_notice(document, signer, document.school, reason), now=now
        )
    return signer


# ---------------------------------------------------------------------------------------------
# Timed jobs (the worker)


def expire_due(ctx: Context) -> int:
    """Documents past their deadline stop waiting: `expired`, every link dead."""
    now = ctx.now()
    today = paris_day(now)
    with ctx.db.new_session() as session:
        due = session.scalars(
            select(Document.id).where(
                Document.state == "awaiting_signatures", Document.deadline < today
            )
        ).all()
    done = 0
    for document_id in due:
        with ctx.db.transaction() as session:
            document = lock_document(session, document_id)
            if document.state != "awaiting_signatures":
                continue
            set_document_state(
                session,
                document,
                "awaiting_signatures",
                decide_expire(DocumentState(document.state)),
                at=now,
            )
            for signer in document.signers:
                signer.link_nonce = None
            events.record(
                session,
                document,
                "expired",
                at=now,
                data={"deadline": document.deadline.isoformat() if document.deadline else None},
            )
            done += 1
    return done


def remind_due(ctx: Context) -> int:
    """Remind signers who were invited or last reminded `remind_every_days` ago."""
    now = ctx.now()
    cutoff = now - timedelta(days=ctx.settings.remind_every_days)
    with ctx.db.new_session() as session:
        due = session.execute(
            select(Signer.id, Signer.document_id, Document.school_id)
            .join(Document)
            .where(
                Document.state == "awaiting_signatures",
                Signer.state.in_(("invited", "opened")),
                func.coalesce(Signer.last_reminded_at, Signer.invited_at) <= cutoff,
            )
        ).all()
    sent = 0
    for signer_id, document_id, school_id in due:
        try:
            reminded = remind_signer(
                ctx, None, document_id, signer_id, school_id=school_id, due_before=cutoff
            )
        except TransitionRefused:
            continue  # the document or the signer moved on since the query
        sent += reminded is not None
    return sent


def signing_document(ctx: Context, token: str) -> SigningView:
    """What the signer's page shows, read without recording or changing anything: for the PDF
    the page embeds, and for the page shown again after a form error (`open_link` records the
    visit once). Raises as `open_link` does for a forged, expired or dead link."""
    with ctx.db.new_session() as session:
        signer, claims = _live_signer(ctx, session, token, ctx.now())
        document = signer.document
        _ = document.pdf  # deferred column: loaded here, for the PDF route, while in session
        return SigningView(
            document, signer, document.school, claims.signed_at + ctx.link_signer().max_age
        )


# ---------------------------------------------------------------------------------------------
# The head signs logged in (staff page), without a link


def sign_as_staff(
    ctx: Context,
    user: User,
    document_id: int,
    origin: events.Origin,
    *,
    consent: bool,
    full_name: str,
    signature_png: bytes | None,
) -> Signer:
    """The head signs the school's part from the document page, logged in: the checks and the
    records of `sign`, the head's row found through the user's school instead of a link. The
    workflow decides as for a link (the head signs only once invited, after the others)."""
    now = ctx.now()
    with ctx.db.transaction() as session:
        document = lock_document(session, get_document(session, user.school_id, document_id).id)
        if user.role != Role.HEAD:
            raise TransitionRefused(
                "sign", document.state, "Seul le chef d'établissement signe pour l'établissement."
            )
        signer = next((s for s in document.signers if s.role == Role.HEAD), None)
        if signer is None:
            raise NotFound(f"document {document_id} : pas de signature du chef d'établissement")
        issues = _signature_issues(consent, full_name, signer, who="le nom")
        if issues:
            raise SignatureRefused(issues)
        _record_signature(
            ctx,
            session,
            document,
            signer,
            origin,
            now=now,
            full_name=full_name,
            signature_png=signature_png,
            extra={"logged_in_user": user.id},
        )
    return signer
