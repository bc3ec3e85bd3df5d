"""What the page of a dead signing link says: why it is dead (`signing.vocabulary.LinkEnd`),
told with what the service knows of it (the day it happened, the parties still to sign), the
document by its kind and number, and the school to ask, with its phone and address.

The page may be read by whoever holds the link (a forwarded mail, a shared computer): it names
the pupil by first name and initial only, as the mails' subject lines do, and shows the
signer's address masked; nothing else of the pupil or the family.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import i18n
from service.accounts.models import School
from service.clock import school_day
from service.context import Context
from service.documents.models import Document, Event
from service.errors import DeadLink
from service.signers.codes import mask_email
from service.signers.links import read_claims
from service.signers.models import Signer
from signing.errors import LinkError
from signing.vocabulary import EventType, LinkEnd, SignerState


@dataclass(frozen=True)
class SchoolContact:
    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class DeadLinkFacts:
    """Everything the page of a dead link shows beyond its end's own words."""

    end: LinkEnd
    school: SchoolContact
    document: str
    """« Contrat de parcours individualisé n° 12 »."""
    pupil: str
    """« Zoé M. »: enough for the signer to recognise the document."""
    on: str | None = None
    """The day (or, for a link that aged, the moment) the end happened, in French."""
    by: str | None = None
    """Who declined, by role, when another party did."""
    awaiting: tuple[str, ...] = ()
    """The parties still to sign, by role, while the signer waits for them."""
    sent_to: str = ""
    """The signer's registered address, masked: where a new link would go."""
    school_uai: str | None = None
    """For the moments the page names, in the school's time."""
    language: str = "fr"
    """The signer's language (`Signer.language`): the page's, unless the signer chose another."""

    @property
    def renewable(self) -> bool:
        return self.end.renewable


def contact(school: School) -> SchoolContact:
    return SchoolContact(school.name, school.email or school.head_email, school.phone or "")


def document_name(document: Document) -> tuple[str, str]:
    """The document's kind and number, and the pupil as the page names them."""
    pupil = document.data.get("pupil") or {}
    first, last = str(pupil.get("first_name") or ""), str(pupil.get("last_name") or "")
    short = f"{first} {last[:1]}." if last else first
    return f"{document.kind.spec.title} n° {document.id}", short.strip()


def _day(moment: datetime | None, school: School, language: str) -> str | None:
    return i18n.day(school_day(moment, school.uai), language) if moment else None


_CANCELLED_AT = select(Event.at).order_by(Event.seq.desc()).limit(1)


def _cancelled_on(session: Session, document: Document) -> datetime | None:
    query = _CANCELLED_AT.where(Event.document_id == document.id, Event.type == EventType.CANCELLED)
    return session.scalars(query).first()


def facts_of(
    session: Session, signer: Signer, end: LinkEnd, expired_at: datetime | None = None
) -> DeadLinkFacts:
    """What the page of `signer`'s link, dead for `end`, shows (`expired_at`: when it aged)."""
    document = signer.document
    school = document.school
    title, pupil = document_name(document)
    language = i18n.choose(signer.language)
    on: str | None = None
    by: str | None = None
    awaiting: tuple[str, ...] = ()
    if end in (LinkEnd.SIGNED, LinkEnd.FINISHING):
        on = _day(signer.signed_at, school, language)
        awaiting = tuple(
            s.role_label for s in document.signers if s.state is not SignerState.SIGNED
        )
    elif end is LinkEnd.COMPLETE:
        on = _day(document.completed_at, school, language)
    elif end is LinkEnd.DECLINED:
        on = _day(signer.declined_at, school, language)
    elif end is LinkEnd.OTHER_DECLINED:
        other = next((s for s in document.signers if s.state is SignerState.DECLINED), None)
        on = _day(other.declined_at if other else None, school, language)
        by = other.role_label if other else None
    elif end is LinkEnd.CANCELLED:
        on = _day(_cancelled_on(session, document), school, language)
    elif end is LinkEnd.EXPIRED:
        on = i18n.day(document.deadline, language) if document.deadline else None
    elif end is LinkEnd.AGED and expired_at is not None:
        on = i18n.moment(expired_at, school.uai, language)
    return DeadLinkFacts(
        end=end,
        school=contact(school),
        document=title,
        pupil=pupil,
        on=on,
        by=by,
        awaiting=awaiting,
        sent_to=mask_email(signer.email) if signer.email else "",
        school_uai=school.uai,
        language=language,
    )


def dead_link_facts(ctx: Context, exc: DeadLink) -> DeadLinkFacts | None:
    """What the page of `exc` shows, read without changing anything; None when the link names
    no signer (the page then says only what the link itself proves)."""
    if exc.signer_id is None:
        return None
    with ctx.db.new_session() as session:
        signer = session.get(Signer, exc.signer_id)
        if signer is None:
            return None
        return facts_of(session, signer, exc.end, exc.expired_at)


def contact_for_token(ctx: Context, token: str | None) -> SchoolContact | None:
    """The school a genuine signing link (alive or not) was sent by; None for any other
    string: a page that refused a request names whom to ask without checking the link."""
    if not token:
        return None
    try:
        claims, _ = read_claims(ctx, token, ctx.now())
    except LinkError:
        return None
    with ctx.db.new_session() as session:
        signer = session.get(Signer, claims.subject_id)
        return contact(signer.document.school) if signer is not None else None
