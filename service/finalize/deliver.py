"""Every party receives the final PDF: attached when small, otherwise by a download link."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.context import Context
from service.documents.models import Document
from service.finalize.final_pdf import file_name, verify_url
from service.mail import compose, outbox
from signing.data.parties import Informed
from signing.links import LinkPurpose
from signing.vocabulary import EventType

ATTACH_UP_TO = 5 * 2**20
"""Final PDFs up to this size travel attached; larger ones by a download link."""


def informed_of(document: Document) -> list[Informed]:
    """The guardians informed when the document was issued (its `issued` event names them),
    with their address from the frozen data."""
    issued = next((e for e in document.events if e.type == EventType.ISSUED), None)
    told = (issued.data or {}) if issued else {}
    # « copied »: the guardians of a pupil who signs alone and agreed (the final PDF only).
    names = set(told.get("informed") or []) | set(told.get("copied") or [])
    return [
        Informed(g["first_name"], g["last_name"], g["email"])
        for g in document.data.get("guardians") or []
        if g.get("email") and f"{g['first_name']} {g['last_name']}" in names
    ]


def deliver(ctx: Context, session: Session, document: Document, digest: str, size: int) -> None:
    """Every party gets the final PDF: attached when small, else a download link."""
    now = ctx.now()
    downloads = ctx.link_signer(LinkPurpose.DOWNLOAD)

    def attached(person: compose.Addressee) -> compose.Message:
        return compose.completed(
            document,
            person,
            document.school,
            verify_url=verify_url(ctx.settings),
            attachment=(digest, file_name(document)),
        )

    for person in informed_of(document):
        # A download link is a signer's own: the informed get the file attached, or, when it is
        # too large to travel, the news that it is signed and the school's offer of a copy.
        if size <= ATTACH_UP_TO:
            message = attached(person)
        else:
            message = compose.completed(
                document, person, document.school, verify_url=verify_url(ctx.settings)
            )
        outbox.queue(session, message, now=now)
    for signer in document.signers:
        if not signer.email:
            continue
        if size <= ATTACH_UP_TO:
            message = attached(signer)
        else:
            token = downloads.make(signer.id, digest[:16], now=now)
            message = compose.completed(
                document,
                signer,
                document.school,
                verify_url=verify_url(ctx.settings),
                download_url=f"{ctx.settings.base_url}/telechargement/{token}",
                link_days=ctx.settings.link_max_age_days,
            )
        outbox.queue(session, message, now=now)
