"""A signer opens their page: recorded once per link, never using the link up."""

from __future__ import annotations

from service.context import Context, Origin
from service.documents import trail
from service.documents.models import Document
from service.signers.invite import set_signer
from service.signers.links import SigningView, live_signer, read_link
from service.signers.models import Signer
from signing.links import LinkClaims
from signing.vocabulary import EventType
from signing.workflow import decide_open


def _first_open(document: Document, signer: Signer, claims: LinkClaims) -> bool:
    """Whether this visit belongs in the audit trail: the workflow moves the signer (the
    invitation's first open), or this link was never opened. A reminder or a resent link keeps
    the signer `opened` but mails a link of its own, made after the last recorded open, so the
    first visit through each new link is recorded once; every other visit is a pure read.
    (A link's time is to the second: one resent within the second of the last recorded open
    is taken as already opened.)"""
    opened = decide_open(document.state, signer.state)
    if opened.value != signer.state:
        return True
    return signer.opened_at is None or signer.opened_at < claims.signed_at


def open_link(ctx: Context, token: str, origin: Origin) -> SigningView:
    """The signer opens their page; never uses the link up (mail scanners open links).

    The link is checked in full on every visit (signature, age, nonce, states), read-only.
    Only the first visit through a link (`_first_open`) writes: the signer's state and
    `opened_at` by compare-and-set and an `opened` event, under the document's lock. Later
    visits write nothing and lock nothing.
    """
    now = ctx.now()
    view, claims = read_link(ctx, token, now)
    if not _first_open(view.document, view.signer, claims):
        return view
    with ctx.db.transaction() as session:
        signer, claims = live_signer(ctx, session, token, now, lock=True)  # again, locked
        document = signer.document
        if _first_open(document, signer, claims):
            opened = decide_open(document.state, signer.state)
            set_signer(session, signer, (signer.state,), state=opened.value, opened_at=now)
            trail.record(session, document, EventType.OPENED, at=now, origin=origin, signer=signer)
        return SigningView(document, signer, document.school, view.expires_at)
