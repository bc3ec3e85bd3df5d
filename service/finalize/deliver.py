"""Every party receives the final PDF: attached when small, otherwise by a download link."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.context import Context
from service.documents.models import Document
from service.finalize.final_pdf import file_name, verify_url
from service.mail import compose, household, outbox
from signing.links import LinkPurpose

ATTACH_UP_TO = 5 * 2**20
"""Final PDFs up to this size travel attached; larger ones by a download link."""


def deliver(ctx: Context, session: Session, document: Document, digest: str, size: int) -> None:
    """Every party gets the final PDF: attached when small, else a download link."""
    now = ctx.now()
    downloads = ctx.link_signer(LinkPurpose.DOWNLOAD)

    def attached(person: compose.Addressee, shared: tuple[str, ...]) -> compose.Message:
        return compose.completed(
            document,
            person,
            document.school,
            verify_url=verify_url(ctx.settings),
            attachment=(digest, file_name(document)),
            shared_with=shared,
        )

    addressees = household.everyone(document)
    for person in household.informed_of(document):
        shared = household.shared_with(person, addressees)
        # A download link is a signer's own: the informed get the file attached, or, when it is
        # too large to travel, the news that it is signed and the school's offer of a copy.
        if size <= ATTACH_UP_TO:
            message = attached(person, shared)
        else:
            message = compose.completed(
                document,
                person,
                document.school,
                verify_url=verify_url(ctx.settings),
                shared_with=shared,
            )
        outbox.queue(session, message, now=now)
    for signer in document.signers:
        if not signer.email:
            continue
        shared = household.shared_with(signer, addressees)
        if size <= ATTACH_UP_TO:
            message = attached(signer, shared)
        else:
            token = downloads.make(signer.id, digest[:16], now=now)
            message = compose.completed(
                document,
                signer,
                document.school,
                verify_url=verify_url(ctx.settings),
                download_url=f"{ctx.settings.base_url}/telechargement/{token}",
                link_days=ctx.settings.link_max_age_days,
                shared_with=shared,
            )
        outbox.queue(session, message, now=now)
