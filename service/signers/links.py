"""Reading a signer through their link: is it still alive, and what their page shows.

A link is checked in full at every use (signature, age, nonce, states) and the workflow says why
a dead one is dead (`signing.link_ends.link_end`), in words a person understands (`DeadLink`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, contains_eager

from service.accounts.models import School
from service.clock import school_day
from service.context import Context
from service.documents.models import Document
from service.errors import DeadLink
from service.orm import Base
from service.signers.models import Signer
from signing.errors import LinkExpired, LinkRevoked
from signing.link_ends import link_end
from signing.links import LinkClaims, check_nonce
from signing.vocabulary import LinkEnd


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


def read_claims(ctx: Context, token: str, now: datetime) -> tuple[LinkClaims, datetime | None]:
    """The token's claims, and when it aged (None while in time). A genuine token that aged
    still says whose it is, so its page tells the signer what became of the document;
    LinkInvalid passes through, and LinkExpired for a token that says nothing more."""
    try:
        return ctx.link_signer().read(token, now=now), None
    except LinkExpired as exc:
        if exc.subject_id is None or exc.nonce is None:
            raise
        return LinkClaims(exc.subject_id, exc.nonce, exc.signed_at), exc.expired_at


def dead_end(
    claims: LinkClaims,
    signer: Signer,
    document: Document,
    school: School,
    *,
    now: datetime,
    aged: bool,
) -> LinkEnd | None:
    """Why this link leads nowhere (`signing.link_ends.link_end`), or None while it is alive."""
    try:
        check_nonce(claims, signer.link_nonce)
        current = True
    except LinkRevoked:
        current = False
    deadline = document.deadline
    # Read only for a link dead anyway: a live link's page is the hot path.
    past = (not current or aged) and deadline is not None and deadline < school_day(now, school.uai)
    return link_end(document.state, signer.state, current=current, aged=aged, past_deadline=past)


def _link_dead_unless_live(
    claims: LinkClaims,
    signer: Signer,
    document: Document,
    school: School,
    *,
    now: datetime,
    aged_at: datetime | None,
) -> None:
    """DeadLink, with the reason a person understands, unless `claims` carry the signer's
    current nonce, in time, and the document awaits signatures."""
    end = dead_end(claims, signer, document, school, now=now, aged=aged_at is not None)
    if end is not None:
        raise DeadLink(end, signer.id, aged_at)


_LIVE_SIGNER = (
    select(Signer)
    .join(Signer.document)
    .join(Document.school)
    .where(Signer.id == bindparam("signer_id"))
    .options(contains_eager(Signer.document).contains_eager(Document.school))
)


_LIVE_SIGNER_LOCKED = _LIVE_SIGNER.with_for_update(of=Document)


def locked_signer(session: Session, signer_id: int) -> Signer | None:
    """The signer with their document and school, the document's row locked; no check."""
    return session.scalars(_LIVE_SIGNER_LOCKED, {"signer_id": signer_id}).one_or_none()


def live_signer(
    ctx: Context, session: Session, token: str, now: datetime, *, lock: bool = False
) -> tuple[Signer, LinkClaims]:
    """The signer a token leads to, if the link is still alive; DeadLink otherwise.

    One query: the signer with its document and school (never the PDF, a deferred column);
    with `lock`, the same statement takes the document's row lock (as `lock_document` does), so
    a write needs no second query. LinkInvalid (forged) passes through unchanged, and
    LinkExpired for a token too old to say whose it is.
    """
    claims, aged_at = read_claims(ctx, token, now)
    query = _LIVE_SIGNER_LOCKED if lock else _LIVE_SIGNER
    signer = session.scalars(query, {"signer_id": claims.subject_id}).one_or_none()
    if signer is None:
        raise LinkRevoked
    document = signer.document
    _link_dead_unless_live(claims, signer, document, document.school, now=now, aged_at=aged_at)
    return signer, claims


_SIGNER_COLUMNS: tuple[Any, ...] = (
    *(Signer.id, Signer.document_id, Signer.role, Signer.first_name, Signer.last_name),
    *(Signer.state, Signer.link_nonce, Signer.opened_at, Signer.email, Signer.guardian_index),
    Signer.language,
)


_DOCUMENT_COLUMNS = (
    *(Document.id, Document.school_id, Document.kind, Document.state, Document.data),
    *(Document.pdf_sha256, Document.pdf_size, Document.deadline),
)


_SCHOOL_COLUMNS = (
    *(School.id, School.uai, School.name, School.email, School.phone, School.head_email),
    *(School.head_first_name, School.head_last_name, School.head_title, School.code_roles),
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


def read_link(ctx: Context, token: str, now: datetime) -> tuple[SigningView, LinkClaims]:
    """The whole check of a link (signature, age, nonce, states), read-only: one statement
    (`Database.read_one`), no ORM session, no lock. The view holds unattached copies of the
    rows, for showing only."""
    links = ctx.link_signer()
    claims, aged_at = read_claims(ctx, token, now)
    row = ctx.db.read_one(_LINK_QUERY, {"signer_id": claims.subject_id})
    if row is None:
        raise LinkRevoked
    values = iter(row)
    signer = _unattached(Signer, {c.key: next(values) for c in _SIGNER_COLUMNS})
    document = _unattached(Document, {c.key: next(values) for c in _DOCUMENT_COLUMNS})
    school = _unattached(School, {c.key: next(values) for c in _SCHOOL_COLUMNS})
    _link_dead_unless_live(claims, signer, document, school, now=now, aged_at=aged_at)
    view = SigningView(document, signer, school, claims.signed_at + links.max_age, repr(row))
    return view, claims


def signing_view(ctx: Context, token: str) -> SigningView:
    """What the signer's page shows, read without recording or changing anything: for the PDF
    the page embeds, and for the page shown again after a form error (`open_link` records the
    visit once). Raises as `open_link` does for a forged, expired or dead link."""
    with ctx.db.new_session() as session:
        signer, claims = live_signer(ctx, session, token, ctx.now())
        document = signer.document
        _ = document.pdf  # deferred column: loaded here, for the PDF route, while in session
        return SigningView(
            document, signer, document.school, claims.signed_at + ctx.link_signer().max_age
        )
