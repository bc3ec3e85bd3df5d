"""A signer's copy: once signed, the signer reads again the frozen PDF they signed, and sees who
has signed so far, through the copy link their signed page gives, until the document is
completed; the final mail then takes over (`signing.links.copy_readable`).

The copy link is a token of its own purpose (`LinkPurpose.SIGNED_COPY`) whose nonce is the
start of the frozen PDF's SHA-256: it leads to that file of that signer and no other, reads
only, and lives as long as a signing link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from service.accounts.models import School
from service.clock import school_moment
from service.context import Context
from service.documents.models import Document
from service.errors import CopyClosed
from service.signers.models import Signer
from signing.data.french import guardian_label
from signing.errors import LinkRevoked
from signing.links import LinkPurpose, check_nonce, copy_readable
from signing.vocabulary import DocumentState, Role, SignerState

_NONCE_LENGTH = 16


@dataclass(frozen=True)
class SignedParty:
    """One signature so far, as the signer sees it: the party, the name, the moment; nothing
    else of them (no address)."""

    label: str
    name: str
    on: str


@dataclass(frozen=True)
class CopyView:
    document: Document
    signer: Signer
    school: School
    signed: tuple[SignedParty, ...]
    remaining: int
    """How many signatures are still awaited."""
    readable: bool
    """The copy link still reads the PDF (`copy_readable`)."""
    token: str


def copy_token(ctx: Context, signer_id: int, pdf_sha256: str, *, now: datetime) -> str:
    return ctx.link_signer(LinkPurpose.SIGNED_COPY).make(
        signer_id, pdf_sha256[:_NONCE_LENGTH], now=now
    )


def _label(document: Document, signer: Signer) -> str:
    guardians = document.data.get("guardians") or []
    index = signer.guardian_index
    if signer.role is Role.GUARDIAN and index is not None and index < len(guardians):
        return guardian_label(str(guardians[index].get("relationship") or ""))
    return document.kind.spec.role_labels.get(signer.role) or signer.role.label


def _signed(document: Document, uai: str) -> tuple[SignedParty, ...]:
    signed = [
        (s.signed_at, s)
        for s in document.signers
        if s.state == SignerState.SIGNED and s.signed_at is not None
    ]
    signed.sort(key=lambda pair: (pair[0], pair[1].position))
    return tuple(
        SignedParty(_label(document, s), s.full_name, school_moment(at, uai)) for at, s in signed
    )


def read_copy(ctx: Context, token: str) -> CopyView:
    """What the copy link of `token` shows: LinkInvalid or LinkExpired for a forged or old
    token, LinkRevoked when it is not this signer's copy of this document's frozen PDF."""
    claims = ctx.link_signer(LinkPurpose.SIGNED_COPY).read(token, now=ctx.now())
    with ctx.db.new_session() as session:
        query = (
            select(Signer)
            .where(Signer.id == claims.subject_id)
            .options(selectinload(Signer.document).selectinload(Document.signers))
        )
        signer = session.scalars(query).one_or_none()
        if signer is None or signer.state != SignerState.SIGNED:
            raise LinkRevoked
        document = signer.document
        check_nonce(claims, (document.pdf_sha256 or "")[:_NONCE_LENGTH] or None)
        school = document.school
        remaining = sum(
            1 for s in document.signers if s.state not in (SignerState.SIGNED, SignerState.DECLINED)
        )
        readable = copy_readable(DocumentState(document.state), SignerState(signer.state))
        return CopyView(
            document,
            signer,
            school,
            _signed(document, school.uai),
            remaining,
            readable,
            token,
        )


def _closed(state: DocumentState) -> str:
    if state == DocumentState.COMPLETED:
        return (
            "Tout le monde a signé : le document signé et scellé a été envoyé par courriel à "
            "chaque signataire. Ce lien ne sert plus : utilisez ce courriel."
        )
    return (
        f"Ce document n'est plus en cours de signature ({state.label.lower()}) : il n'y a plus "
        "de copie à télécharger."
    )


def closed(view: CopyView) -> CopyClosed:
    """Why the copy link no longer reads, and whom to ask."""
    contact = f"{view.school.name} — {view.school.email or view.school.head_email}"
    return CopyClosed(_closed(DocumentState(view.document.state)), contact)


def copy_pdf(ctx: Context, view: CopyView) -> bytes:
    """The frozen PDF the signer signed; CopyClosed once the copy link no longer reads it."""
    if not view.readable:
        raise closed(view)
    with ctx.db.new_session() as session:
        pdf = session.scalar(select(Document.pdf).where(Document.id == view.document.id))
    if pdf is None:
        raise LinkRevoked
    return pdf
