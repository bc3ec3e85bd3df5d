"""A head or référent prints, for a signer whose turn it is, the document and the signature sheet
to sign by hand (issue 14 §2); the scan comes back through `sign_on_paper`."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter

from service.accounts.models import User
from service.accounts.permissions import require
from service.context import Context, Origin
from service.documents import trail
from service.documents.store import get_document, lock_document
from service.finalize.final_pdf import DRAWING
from service.kiosk.sign_in_person import kiosk_signer
from service.settings import Settings
from service.signers.dead_links import document_name
from service.signers.pages import pdf_filename
from signing.paper.sheet import SheetText, sheet_pdf
from signing.paper.sheet_code import make_code
from signing.permissions import StaffAction
from signing.vocabulary import EventType

PAPER_CONSENT_TEXT = (
    "J'ai lu le document et j'accepte de le signer. Je signe cette feuille à la main ; "
    "l'établissement la numérise et la joint au document signé."
)


def sheet_keys(settings: Settings) -> tuple[str, ...]:
    """The secrets that sign sheet codes, oldest first (the last one signs)."""
    return (*reversed(settings.secret_key_fallbacks), settings.secret_key)


@dataclass(frozen=True)
class PrintedSheet:
    pdf: bytes
    file_name: str
    code: str


def print_paper_sheet(
    ctx: Context, user: User, document_id: int, signer_id: int, origin: Origin
) -> PrintedSheet:
    """The frozen PDF followed by `signer_id`'s signature sheet; recorded on the trail
    (``paper_sheet_printed``, with the sheet's code). NotFound when it is not their turn."""
    require(user, StaffAction.SIGN_ON_PAPER)
    now = ctx.now()
    with ctx.db.transaction() as session:
        found = get_document(session, user.school_id, document_id)
        document = lock_document(session, found.id)
        signer = kiosk_signer(session, document, signer_id)
        assert document.pdf is not None  # noqa: S101 — a document to sign is issued
        assert document.pdf_sha256  # noqa: S101
        code = make_code(sheet_keys(ctx.settings), document.id, signer.id, document.pdf_sha256)
        kind_number, pupil = document_name(document)
        text = SheetText(
            school=document.school.name,
            document=f"{kind_number} — élève : {pupil}",
            signer_name=signer.full_name,
            signer_role=signer.role_label,
            consent=PAPER_CONSENT_TEXT,
            code=code,
            version=f"{document.version}, fichier SHA-256 {document.pdf_sha256[:8].upper()}…",
        )
        with DRAWING:
            sheet = sheet_pdf(text)
        writer = PdfWriter()
        for part in (document.pdf, sheet):
            writer.append(PdfReader(io.BytesIO(part)))
        out = io.BytesIO()
        writer.write(out)
        trail.record(
            session,
            document,
            EventType.PAPER_SHEET_PRINTED,
            at=now,
            origin=origin,
            role=user.role,
            actor_name=user.full_name,
            data={
                "code": code,
                "pdf_sha256": document.pdf_sha256,
                "signer_id": signer.id,
                "signer_name": signer.full_name,
                "printed_by": user.id,
            },
        )
        name = pdf_filename(document).removesuffix(".pdf") + f"-feuille-{signer.id}.pdf"
    return PrintedSheet(out.getvalue(), name, code)
