"""The staff's pages for signing on paper (issue 14 §2), reached from the document page's
signers table: « Imprimer pour signature sur papier » (the document and the signer's sheet, a
PDF) and « Déposer la feuille signée » (the scan and the sheet's code)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from service import context, db
from service.accounts import csrf
from service.accounts.session import current_user, login_required
from service.documents.blueprint import staff_user
from service.documents.store import get_document
from service.errors import HTTP_MESSAGES, NotFound, SignatureRefused
from service.kiosk.sign_in_person import signers_now
from service.signers.print_paper_sheet import print_paper_sheet
from service.signers.sign_on_paper import sign_on_paper
from signing.paper.scan import MAX_BYTES
from signing.permissions import StaffAction, roles_allowed

bp = Blueprint("paper", __name__)
_ROLES = roles_allowed(StaffAction.SIGN_ON_PAPER)
_FORM_ALLOWANCE = 64 * 1024
CLOSED = "Il n'y a plus de signature à recueillir de {name} sur ce document."
TOO_LARGE = f"Le fichier dépasse {MAX_BYTES // (1024 * 1024)} Mo : numérisez la feuille seule."


@bp.before_request
def limit_upload() -> None:
    # Before the CSRF check, which reads the form: the body is bounded before anything reads it.
    request.max_content_length = MAX_BYTES + _FORM_ALLOWANCE


csrf.protect(bp)


@bp.post("/documents/<int:document_id>/papier/<int:signer_id>/feuille.pdf")
@login_required(*_ROLES)
def print_sheet(document_id: int, signer_id: int) -> ResponseReturnValue:
    try:
        printed = print_paper_sheet(
            context.current(), staff_user(), document_id, signer_id, context.origin()
        )
    except NotFound:
        abort(404)
    response = Response(printed.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{printed.file_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(
    document_id: int, signer_id: int, status: int = 200, **values: Any
) -> ResponseReturnValue:
    """The upload form of `signer_id`; a signer who can no longer sign (signed, declined, or
    the document no longer to sign) gets it with the reason, and no form."""
    user = staff_user()
    try:
        document = get_document(db.session(), user.school_id, document_id)
    except NotFound:
        abort(404)
    signer = next((s for s in document.signers if s.id == signer_id and s.role != "head"), None)
    if signer is None:
        abort(404)
    open_now = any(s.id == signer_id for s in signers_now(document))
    errors = values.pop("errors", {})
    if not open_now and not errors:
        errors, status = {"code": CLOSED.format(name=signer.full_name)}, 409
    page = render_template(
        "staff/paper_upload.html",
        document=document,
        signer=signer,
        limit=MAX_BYTES,
        errors=errors,
        open_now=open_now,
        code=values.get("code", ""),
    )
    return page, status


@bp.errorhandler(RequestEntityTooLarge)
def too_large(exc: RequestEntityTooLarge) -> ResponseReturnValue:
    args = request.view_args or {}
    user = current_user()
    if user is None or user.role not in _ROLES or "signer_id" not in args:
        # The French page of any other 413: no form to show to one who may not see it.
        message = HTTP_MESSAGES[413]
        return render_template("error.html", code=exc.code, message=message), 413
    return _page(int(args["document_id"]), int(args["signer_id"]), 413, errors={"scan": TOO_LARGE})


@bp.route("/documents/<int:document_id>/papier/<int:signer_id>/depot", methods=["GET", "POST"])
@login_required(*_ROLES)
def upload(document_id: int, signer_id: int) -> ResponseReturnValue:
    if request.method == "GET":
        return _page(document_id, signer_id)
    code = request.form.get("code", "")[:100]
    data = b""
    for sent in request.files.getlist("scan")[:1]:
        with sent.stream:  # a large upload is a temporary file: closed here, not left to GC
            data = sent.stream.read(MAX_BYTES + 1)
    try:
        signer = sign_on_paper(
            context.current(),
            staff_user(),
            document_id,
            signer_id,
            context.origin(),
            code=code,
            upload=data,
        )
    except SignatureRefused as exc:
        errors = {issue.field: issue.message for issue in exc.issues}
        return _page(document_id, signer_id, 422, errors=errors, code=code)
    except NotFound:
        abort(404)
    anchor = f"signataire-{signer.id}"
    return redirect(url_for("staff.document", document_id=document_id, _anchor=anchor), 303)
