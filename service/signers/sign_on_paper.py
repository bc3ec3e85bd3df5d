"""A head or référent brings back the sheet a signer signed by hand (issue 14 §2): the scan is
checked and rebuilt (`signing.paper.scan`), its code checked against the document as it is now,
and the signature recorded as any other (`record_signature`), identification ``paper``, naming
who digitized it and when. The sheet's printing is `print_paper_sheet`.

Refused with nothing stored (`SignatureRefused`, field ``code`` or ``scan``): a code mistyped or
forged, one of another document or signer, a document whose PDF changed since the sheet was
printed, a document no longer to sign, a signer who signed or whose turn it is not, a file that
is no readable scan or whose signature box is empty.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import update

from service.accounts.models import User
from service.accounts.permissions import require
from service.context import Context, Origin
from service.documents.models import Document
from service.documents.store import get_document, lock_document
from service.errors import NotFound, SignatureRefused
from service.finalize.final_pdf import DRAWING
from service.kiosk.sign_in_person import witness_data
from service.signers.models import Signer
from service.signers.print_paper_sheet import PAPER_CONSENT_TEXT, sheet_keys
from service.signers.sign import record_signature
from signing.data.french import format_date_fr
from signing.data.territory import territory_of
from signing.errors import FieldIssue
from signing.paper import scan as scans
from signing.paper.sheet_code import SheetClaims, SheetCodeInvalid, normalized, read_code
from signing.pdf.evidence_texts import Identification
from signing.permissions import StaffAction
from signing.vocabulary import DocumentAction, SignerAction
from signing.workflow import allows, signer_allows


def _refused(field: str, message: str) -> SignatureRefused:
    return SignatureRefused([FieldIssue(field, message)])


def _claims(keys: tuple[str, ...], typed: str, read: tuple[str, ...]) -> SheetClaims:
    """The code typed, cross-checked with the QR code read on the scan; or the QR code's alone."""
    sheet_codes = [c for c in read if c.upper().startswith("FS-")]
    if typed.strip() and sheet_codes and normalized(typed) != normalized(sheet_codes[0]):
        raise _refused(
            "code",
            f"Le code saisi n'est pas celui de la feuille numérisée ({sheet_codes[0]}) : "
            "vérifiez que vous déposez la bonne feuille.",
        )
    code = typed if typed.strip() else (sheet_codes[0] if sheet_codes else "")
    if not code:
        raise _refused("code", "Saisissez le code imprimé sous le cadre « Signature ».")
    try:
        return read_code(keys, code)
    except SheetCodeInvalid as exc:
        raise _refused(
            "code",
            "Ce code n'est pas celui d'une feuille imprimée par ce service : "
            "vérifiez-le caractère par caractère.",
        ) from exc


def _check(document: Document, signer: Signer, claims: SheetClaims) -> None:
    if claims.document_id != document.id:
        raise _refused(
            "code", f"Ce code est celui d'une feuille du document n° {claims.document_id}."
        )
    if claims.signer_id != signer.id:
        raise _refused("code", "Ce code est celui de la feuille d'un autre signataire.")
    if not allows(document.state, DocumentAction.SIGN):
        raise _refused(
            "code", "Ce document n'est plus à signer : la feuille ne peut pas être déposée."
        )
    if not claims.matches(document.pdf_sha256):
        raise _refused(
            "code",
            "Le document a changé depuis l'impression de cette feuille : imprimez-en une "
            "nouvelle et faites-la signer.",
        )
    if not signer_allows(signer.state, SignerAction.SIGN):
        raise _refused(
            "code",
            f"{signer.full_name} ne peut pas signer maintenant : déjà signé, ou pas encore "
            "son tour.",
        )


def _read(upload: bytes) -> tuple[scans.Scan, bytes]:
    try:
        scan = scans.read_scan(upload)
    except scans.ScanRefused as exc:
        raise _refused("scan", str(exc)) from exc
    png = scans.signature_png(scan.pages[scan.sheet])
    if not scans.has_ink(png):
        raise _refused(
            "scan",
            "Le cadre « Signature » de la feuille numérisée est vide : la feuille doit être "
            "signée, et numérisée entière et à l'endroit.",
        )
    return scan, png


def sign_on_paper(
    ctx: Context,
    user: User,
    document_id: int,
    signer_id: int,
    origin: Origin,
    *,
    code: str,
    upload: bytes,
) -> Signer:
    """Record `signer_id`'s signature from the scan of their signed sheet (see the module)."""
    require(user, StaffAction.SIGN_ON_PAPER)
    scan, png = _read(upload)
    claims = _claims(sheet_keys(ctx.settings), code[:100], scan.codes)
    now = ctx.now()
    with ctx.db.transaction() as session:
        found = get_document(session, user.school_id, document_id)
        document = lock_document(session, found.id)
        signer = next((s for s in document.signers if s.id == signer_id), None)
        if signer is None:
            raise NotFound(f"signataire {signer_id} introuvable")
        _check(document, signer, claims)
        with DRAWING:
            annex = scans.annex_pdf(scan, signer.full_name)
        extra: dict[str, Any] = _digitized(user, document, now)
        extra |= {
            "scan_sha256": hashlib.sha256(annex).hexdigest(),
            "scan_pages": len(scan.pages),
            "sheet_code_read": bool(scan.codes),
        }
        record_signature(
            ctx,
            session,
            document,
            signer,
            origin,
            now=now,
            full_name=signer.full_name,
            signature_png=png,
            extra=extra,
            consent_text=PAPER_CONSENT_TEXT,
        )
        session.execute(update(Signer).where(Signer.id == signer.id).values(paper_scan=annex))
        _ = signer.full_name
    return signer


def _digitized(user: User, document: Document, now: datetime) -> dict[str, Any]:
    staff = witness_data(user, document.school.head_title)
    day = territory_of(document.school.uai).day(now)
    return {
        "identification": Identification.PAPER.value,
        "digitizer_user": user.id,
        "digitizer_name": staff["witness_name"],
        "digitizer_role_label": staff["witness_role_label"],
        "digitized_on": format_date_fr(day),
        "digitized_at": now.isoformat(),
    }
