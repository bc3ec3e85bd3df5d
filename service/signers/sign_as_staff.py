"""The head signs the school's part from the document page, logged in, without a link."""

from __future__ import annotations

from service.accounts.models import User
from service.accounts.permissions import require
from service.context import Context, Origin
from service.documents.store import get_document, lock_document
from service.errors import NotFound, SignatureRefused
from service.signers.models import Signer
from service.signers.sign import record_signature, signature_issues
from signing.pdf.evidence_texts import Identification
from signing.permissions import StaffAction
from signing.vocabulary import Role


def sign_as_staff(
    ctx: Context,
    user: User,
    document_id: int,
    origin: Origin,
    *,
    consent: bool,
    full_name: str,
    signature_png: bytes | None,
) -> Signer:
    """The head signs the school's part from the document page, logged in: the checks and the
    records of `sign`, the head's row found through the user's school instead of a link. The
    workflow decides as for a link (the head signs only once invited, after the others)."""
    require(user, StaffAction.SIGN_FOR_SCHOOL)
    now = ctx.now()
    with ctx.db.transaction() as session:
        document = lock_document(session, get_document(session, user.school_id, document_id).id)
        signer = next((s for s in document.signers if s.role == Role.HEAD), None)
        if signer is None:
            raise NotFound(f"document {document_id} : pas de signature du chef d'établissement")
        issues = signature_issues(consent, full_name, signer, who="le nom")
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
            extra={
                "logged_in_user": user.id,
                "identification": Identification.STAFF_SESSION.value,
            },
        )
    return signer
