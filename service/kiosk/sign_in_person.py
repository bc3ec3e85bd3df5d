"""A signer signs in person, on the school's device, handed over by a head or a référent
(issue 14 §1): the kiosk's use cases. The pages are `service.kiosk.views`.

No one-time code is asked in person: a code proves that the one who signs holds the registered
mailbox, which stands in for meeting them. Here the staff member, logged in with their own
account, meets the signer in the room and vouches for who they are; that is recorded instead
(their id, name and role in the ``signed`` event, and on the certificate: « Signé en présence
de … »). A pupil or parent with no mailbox of their own can thus sign too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.accounts.models import User
from service.accounts.permissions import require
from service.context import Context, Origin
from service.documents import trail
from service.documents.models import Document, Event
from service.documents.store import get_document, lock_document
from service.errors import Conflict, NotFound, SignatureRefused
from service.signers.models import Signer
from service.signers.sign import record_signature, signature_issues
from signing.pdf.evidence_texts import Identification
from signing.permissions import StaffAction
from signing.vocabulary import DocumentAction, EventType, Role, SignerAction, StaffRole
from signing.workflow import allows, signer_allows


@dataclass(frozen=True)
class KioskSigner:
    """A signer the kiosk offers: one whose turn it is."""

    id: int
    name: str
    role_label: str


@dataclass(frozen=True)
class KioskStart:
    """A kiosk begun: who may sign now, and the seq of its ``kiosk_started`` event."""

    signers: list[KioskSigner]
    event_seq: int


def _may_sign_now(document: Document, signer: Signer) -> bool:
    return allows(document.state, DocumentAction.SIGN) and signer_allows(
        signer.state, SignerAction.SIGN
    )


def signers_now(document: Document) -> list[KioskSigner]:
    """The signers of `document` the workflow lets sign now, in the document's order; never
    the head, who signs the school's part with their own account (`sign_as_staff`)."""
    return [
        KioskSigner(s.id, s.full_name, s.role_label)
        for s in sorted(document.signers, key=lambda s: s.position)
        if s.role != Role.HEAD and _may_sign_now(document, s)
    ]


def kiosk_signers(ctx: Context, user: User, document_id: int) -> tuple[Document, list[KioskSigner]]:
    """The document handed over and who may sign it now (read only)."""
    require(user, StaffAction.HAND_OVER)
    with ctx.db.transaction() as session:
        document = get_document(session, user.school_id, document_id)
        _ = document.kind, document.data
        return document, signers_now(document)


def start_kiosk(ctx: Context, user: User, document_id: int, origin: Origin) -> KioskStart:
    """Check that `user` may hand the device over for this document and that someone may sign
    it now, and write ``kiosk_started`` on its trail; the caller then turns the browser's
    session into the kiosk."""
    require(user, StaffAction.HAND_OVER)
    with ctx.db.transaction() as session:
        found = get_document(session, user.school_id, document_id)
        document = lock_document(session, found.id)
        signers = signers_now(document)
        if not signers:
            raise Conflict("Aucun signataire ne peut signer ce document maintenant.")
        witness = witness_data(user, document.school.head_title)
        del witness["identification"]
        digest = trail.record(
            session,
            document,
            EventType.KIOSK_STARTED,
            at=ctx.now(),
            origin=origin,
            role=user.role,
            actor_name=user.full_name,
            data=witness,
        )
        seq = session.scalar(select(Event.seq).where(Event.hash == digest))
    return KioskStart(signers, int(seq or 0))


def kiosk_signer(session: Session, document: Document, signer_id: int) -> Signer:
    """Signer `signer_id` of `document` when it is their turn; NotFound otherwise (another
    document's signer, one who signed already, one who must wait)."""
    signer = next((s for s in document.signers if s.id == signer_id), None)
    if signer is None or signer.role == Role.HEAD or not _may_sign_now(document, signer):
        raise NotFound(f"signataire {signer_id} : pas de signature à recueillir ici")
    return signer


def witness_data(user: User, head_title: str | None) -> dict[str, object]:
    """What the ``signed`` event records of the staff member who vouches for the signer: the
    head named by the school's title for them (« proviseure »), a référent as such."""
    if user.role == StaffRole.HEAD and head_title:
        role_label = head_title[:1].lower() + head_title[1:]
    else:
        try:
            role_label = StaffRole(user.role).label.lower()
        except ValueError:
            role_label = str(user.role)
    return {
        "identification": Identification.IN_PERSON.value,
        "witness_user": user.id,
        "witness_name": user.full_name,
        "witness_role_label": role_label,
    }


def sign_in_person(
    ctx: Context,
    user: User,
    document_id: int,
    signer_id: int,
    origin: Origin,
    *,
    consent: bool,
    full_name: str,
    signature_png: bytes | None,
) -> Signer:
    """Record the signature of `signer_id`, present in the room with `user`, on the school's
    device: the checks and records of a link's signature (`record_signature`), identification
    `in_person` with the staff member named. No code is asked (see the module's docstring)."""
    require(user, StaffAction.HAND_OVER)
    now = ctx.now()
    with ctx.db.transaction() as session:
        found = get_document(session, user.school_id, document_id)
        document = lock_document(session, found.id)
        signer = kiosk_signer(session, document, signer_id)
        issues = signature_issues(consent, full_name, signer)
        if issues:
            raise SignatureRefused(issues)
        record_signature(
            ctx,
            session,
            document,
            signer,
            origin,
            now=now,
            full_name=full_name,
            signature_png=signature_png,
            extra=witness_data(user, document.school.head_title),
        )
        _ = signer.full_name
    return signer
