"""The forms of a new document and of a draft, generated from the kind's schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import (
    abort,
    flash,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue

from service import context, db
from service.accounts.models import User
from service.accounts.session import login_required
from service.documents import forms
from service.documents.blueprint import (
    STAFF_ROLES,
    bp,
    document_of,
    refused,
    sentence,
    staff_user,
    to_document,
)
from service.documents.create import create_document
from service.documents.models import Document
from service.documents.store import get_document
from service.documents.update import update_document
from service.documents.validation import school_territory
from service.errors import NotFound
from signing.errors import (
    CosigneError,
    ValidationFailed,
)
from signing.kinds import Kind
from signing.vocabulary import DocumentAction
from signing.workflow import allows


@bp.route("/documents/nouveau/<kind>", methods=["GET", "POST"])
@login_required(*STAFF_ROLES)
def new_document(kind: str) -> ResponseReturnValue:
    if kind not in tuple(Kind):
        abort(404)
    kind = Kind(kind)
    user = staff_user()
    if request.method == "GET":
        return _form_page(kind, _prefill(kind, user), document=None)
    data = forms.parse(kind, request.form)
    try:
        document = create_document(context.current(), user, {"kind": kind, "data": data})
    except ValidationFailed as exc:
        return _form_page(kind, data, None, exc.errors, exc.warnings), 422
    flash("Le brouillon est enregistré.", "success")
    _flash_warnings(document)
    return to_document(document.id)


@bp.route("/documents/<int:document_id>/modifier", methods=["GET", "POST"])
@login_required(*STAFF_ROLES)
def edit_document(document_id: int) -> ResponseReturnValue:
    document = document_of(document_id)
    if not allows(document.state, DocumentAction.EDIT):
        flash("Ce document n'est plus un brouillon : il ne peut plus être modifié.", "error")
        return to_document(document.id)
    if request.method == "GET":
        warnings = forms.issues_from_json(document.warnings or [])
        return _form_page(document.kind, document.data, document, (), warnings)
    data = forms.parse(document.kind, request.form)
    try:
        document = update_document(context.current(), staff_user(), document.id, {"data": data})
    except ValidationFailed as exc:
        return _form_page(document.kind, data, document, exc.errors, exc.warnings), 422
    except CosigneError as exc:  # Conflict, TransitionRefused: someone moved it meanwhile
        return refused(exc, document.id)
    flash("Les modifications du brouillon sont enregistrées.", "success")
    _flash_warnings(document)
    return to_document(document.id)


def _prefill(kind: Kind, user: User) -> dict[str, Any]:
    """A document started from the one it belongs to (``?parcours=12``: a convention from its
    pathway contract) takes what the kind's link copies from it (`ParentLink.prefill`)."""
    link = kind.spec.parent
    source = request.args.get(link.parent, "") if link else ""
    if link is None or not source.isdigit():
        return {}
    try:
        parent = get_document(db.session(), user.school_id, int(source))
    except NotFound:
        abort(404)
    if parent.kind != link.parent:
        abort(404)
    chosen = {key: request.args[key][:40] for key in link.from_query if request.args.get(key)}
    return {**link.prefill(parent.data, parent.id), **chosen}


def _flash_warnings(document: Document) -> None:
    for warning in document.warnings or []:
        flash(sentence(warning.get("message", "")), "warning")


def _form_page(
    kind: str,
    data: Mapping[str, Any] | None,
    document: Document | None,
    errors: Any = (),
    warnings: Any = (),
) -> str:
    today = school_territory(db.session(), staff_user().school_id).day(context.current().now())
    form = forms.build(kind, data, list(errors), list(warnings), today=today)
    return render_template("staff/form.html", form=form, document=document)
