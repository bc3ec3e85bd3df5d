"""A party downloads the final PDF through the link of their mail (when it was too large to
travel attached): the link carries the start of the file's hash, so it leads to that file and
no other, and dies if the document is no longer the completed one it was."""

from __future__ import annotations

from dataclasses import dataclass

from service.context import Context
from service.finalize.final_pdf import archive, file_name
from service.signers.models import Signer
from signing.errors import LinkRevoked
from signing.links import LinkPurpose, check_nonce
from signing.vocabulary import DocumentState


@dataclass(frozen=True)
class FinalPdf:
    name: str
    pdf: bytes


def download_final_pdf(ctx: Context, token: str) -> FinalPdf:
    """The archived final PDF a download link leads to; a LinkError when the link is dead (the
    archive checks the file's hash as it reads it)."""
    claims = ctx.link_signer(LinkPurpose.DOWNLOAD).read(token, now=ctx.now())
    with ctx.db.new_session() as session:
        signer = session.get(Signer, claims.subject_id)
        if signer is None:
            raise LinkRevoked
        document = signer.document
        digest = document.final_pdf_sha256 if document.state == DocumentState.COMPLETED else None
        check_nonce(claims, digest[:16] if digest else None)
        assert digest is not None  # noqa: S101 — a None digest fails the nonce check
        name = file_name(document)
    return FinalPdf(name, archive(ctx.settings).get(digest))
