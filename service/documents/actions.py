"""The staff's actions on a document: issue, remind, resend, cancel, amend, and the head's
signature."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from service import context
from service.accounts.session import login_required
from service.documents.amend import create_amendment
from service.documents.blueprint import (
    STAFF_ROLES,
    bp,
    document_of,
    refused,
    sentence,
    staff_user,
    to_document,
)
from service.documents.cancel import cancel_document
from service.documents.issue import issue_document
from service.documents.page import document_page
from service.errors import NotFound, SignatureRefused
from service.finalize.finalize import finalize
from service.signers.remind import remind_signer
from service.signers.sign_as_staff import sign_as_staff
from service.signers.signature_image import SignatureImageRefused, clean_signature
from signing.errors import (
    ConversionError,
    CosigneError,
    ValidationFailed,
)
from signing.permissions import StaffAction, roles_allowed


@bp.post("/documents/<int:document_id>/avenant")
@login_required(*STAFF_ROLES)
def amend(document_id: int) -> ResponseReturnValue:
    """Start an amendment of a completed document and open its form."""
    document = document_of(document_id)
    try:
        amendment = create_amendment(context.current(), staff_user(), document.id)
    except CosigneError as exc:
        return refused(exc, document.id)
    flash(
        f"L'avenant n° {amendment.id} au document n° {document.id} est créé en brouillon, "
        "prérempli avec ses données : modifiez ce qui change, enregistrez, puis émettez-le pour "
        "qu'il soit signé à nouveau.",
        "success",
    )
    return redirect(url_for("staff.edit_document", document_id=amendment.id))


@bp.post("/documents/<int:document_id>/emettre")
@login_required(*roles_allowed(StaffAction.ISSUE))
def issue(document_id: int) -> ResponseReturnValue:
    document = document_of(document_id)
    try:
        issue_document(context.current(), staff_user(), document.id)
    except ValidationFailed as exc:
        school = any(e.field.startswith("school.") for e in exc.errors)
        flash(
            "Le document n'a pas été émis : "
            + (
                "l'identité de l'établissement est incomplète. "
                if school
                else "corrigez le brouillon. "
            )
            + " ".join(sentence(e.message) for e in exc.errors),
            "error",
        )
        return to_document(document.id)
    except ConversionError:
        flash("Le PDF n'a pas pu être fabriqué : le document n'a pas été émis.", "error")
        return to_document(document.id)
    except CosigneError as exc:
        return refused(exc, document.id)
    flash(
        "Le document est émis : les signataires reçoivent leur invitation par courriel.", "success"
    )
    return to_document(document.id)


@bp.post("/documents/<int:document_id>/signataires/<int:signer_id>/relancer")
@login_required(*roles_allowed(StaffAction.REMIND))
def remind(document_id: int, signer_id: int) -> ResponseReturnValue:
    return _remind(document_id, signer_id, rotate=False)


@bp.post("/documents/<int:document_id>/signataires/<int:signer_id>/renvoyer")
@login_required(*roles_allowed(StaffAction.REMIND))
def resend(document_id: int, signer_id: int) -> ResponseReturnValue:
    return _remind(document_id, signer_id, rotate=True)


def _remind(document_id: int, signer_id: int, *, rotate: bool) -> ResponseReturnValue:
    document = document_of(document_id)
    try:
        signer = remind_signer(
            context.current(), staff_user(), document.id, signer_id, rotate=rotate
        )
    except NotFound:
        abort(404)
    except CosigneError as exc:
        return refused(exc, document.id)
    assert signer is not None  # noqa: S101 — None only for the worker's timed reminders
    if rotate:
        flash(
            f"Un nouveau lien a été envoyé à {signer.full_name} ({signer.email}) ; "
            "l'ancien lien ne fonctionne plus.",
            "success",
        )
    else:
        flash(f"Une relance a été envoyée à {signer.full_name} ({signer.email}).", "success")
    return to_document(document.id)


@bp.post("/documents/<int:document_id>/annuler")
@login_required(*roles_allowed(StaffAction.CANCEL))
def cancel(document_id: int) -> ResponseReturnValue:
    document = document_of(document_id)
    try:
        cancel_document(
            context.current(), staff_user(), document.id, request.form.get("reason", "")
        )
    except ValidationFailed as exc:
        message = sentence(exc.errors[0].message) if exc.errors else "Motif invalide."
        return document_page(document, cancel_error=message), 422
    except CosigneError as exc:
        return refused(exc, document.id)
    flash("Le document est annulé ; les liens de signature ne fonctionnent plus.", "success")
    return to_document(document.id)


@bp.post("/documents/<int:document_id>/signer")
@login_required(*roles_allowed(StaffAction.SIGN_FOR_SCHOOL))
def sign(document_id: int) -> ResponseReturnValue:
    """The head signs the school's part here, logged in, without the mailed link."""
    document = document_of(document_id)
    consent = bool(request.form.get("consent"))
    full_name = request.form.get("full_name", "")[:250]
    values = {"consent": consent, "full_name": full_name}
    ctx = context.current()
    try:
        signature_png = clean_signature(request.form.get("signature", ""))
        sign_as_staff(
            ctx,
            staff_user(),
            document.id,
            context.origin(),
            consent=consent,
            full_name=full_name,
            signature_png=signature_png,
        )
    except SignatureImageRefused as exc:
        errors = {exc.issue.field: exc.issue.message}
        return document_page(document, sign_errors=errors, sign_values=values), 422
    except SignatureRefused as exc:
        errors = {issue.field: issue.message for issue in exc.issues}
        return document_page(document, sign_errors=errors, sign_values=values), 422
    except NotFound:
        abort(404)
    except CosigneError as exc:
        return refused(exc, document.id)
    try:
        finalize(ctx, document.id)
    except CosigneError:
        # The worker finishes it later; the signature itself is recorded.
        current_app.logger.exception("finalisation du document %s reportée", document.id)
    flash("Votre signature est enregistrée.", "success")
    return to_document(document.id)
