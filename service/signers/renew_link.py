"""« M'envoyer un nouveau lien »: a signer whose link aged or was replaced asks for a fresh one
(`signing.link_renewal` holds the rules). The link goes, through the outbox like an invitation,
to the address the school registered for the signer, and is handed to the mail server at once;
every older link dies; the request is an event of the document's trail, with its address and
browser."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.context import Context, Origin
from service.documents import trail
from service.documents.models import Event
from service.errors import DeadLink, RenewalTooSoon
from service.mail.deliver import deliver_due
from service.signers.dead_links import DeadLinkFacts, facts_of
from service.signers.invite import invite
from service.signers.links import dead_end, locked_signer, read_claims
from service.signers.models import Signer
from signing.errors import LinkRevoked
from signing.link_renewal import DAY, next_renewal
from signing.vocabulary import EventType
from signing.workflow import mails_links

log = logging.getLogger(__name__)

_RENEWALS = select(Event.at).where(Event.type == EventType.LINK_RENEWED)


def _renewals(session: Session, signer: Signer, now: datetime) -> list[datetime]:
    query = _RENEWALS.where(Event.signer_id == signer.id, Event.at > now - DAY)
    return list(session.scalars(query))


def renew_link(ctx: Context, token: str, origin: Origin) -> DeadLinkFacts | None:
    """Mail the signer of `token` a new link; what its page shows is returned (with the
    masked address the link went to), or None when `token` is alive (nothing to renew: its
    page is the answer).

    Refused, with nothing written or sent: DeadLink when the link's end gives no new link (a
    document signed, declined, cancelled, or past its deadline: `LinkEnd.renewable`);
    RenewalTooSoon past the limits. The decision is taken under the document's row lock, so two
    requests at once send one link."""
    now = ctx.now()
    claims, aged_at = read_claims(ctx, token, now)
    with ctx.db.transaction() as session:
        signer = locked_signer(session, claims.subject_id)
        if signer is None or not mails_links(signer.signs_by):
            raise LinkRevoked  # one who signs in person or on paper is mailed no link
        document = signer.document
        school = document.school
        end = dead_end(claims, signer, document, school, now=now, aged=aged_at is not None)
        if end is None:
            return None
        dead = DeadLink(end, signer.id, aged_at)
        if not end.renewable:
            raise dead
        retry_at = next_renewal(_renewals(session, signer, now), now)
        if retry_at is not None:
            wait = max(1, int((retry_at - now).total_seconds()))
            raise RenewalTooSoon(dead, retry_at, wait)
        queued = invite(ctx, session, document=document, school=school, signer=signer, now=now)
        trail.record(
            session,
            document,
            EventType.LINK_RENEWED,
            at=now,
            origin=origin,
            signer=signer,
            data={"to": signer.email, "from_link": end.value},
        )
        session.flush()
        message_id, facts = queued.id, facts_of(session, signer, end, aged_at)
    try:
        deliver_due(ctx.db, ctx.settings, now=now, only=message_id)
    except Exception:  # the outbox keeps it; the worker tries again
        log.exception("nouveau lien de signature %s : envoi immédiat impossible", message_id)
    return facts
