"""The document page and what it links to: its PDF, its audit trail, its verification."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import (
    Response,
    current_app,
    flash,
    render_template,
)
from flask.typing import ResponseReturnValue

from service import context, db
from service.accounts.session import login_required
from service.documents import forms
from service.documents.blueprint import (
    READ_ROLES,
    STAFF_ROLES,
    bp,
    document_of,
    staff_user,
    to_document,
)
from service.documents.labels import template_labels
from service.documents.links import amendments_of, children_of
from service.documents.models import Document
from service.documents.preview import document_pdf as pdf_of
from service.documents.signer_actions import signer_actions
from service.documents.verify_trail import check_trail
from service.errors import Conflict, public_message
from service.finalize.evidence_export import evidence_of
from service.follow_up.review_adjustment import contract_to_adjust
from service.follow_up.summary import follow_up_of
from service.signers.sign import CONSENT_TEXT
from service.verify import checks
from signing.errors import (
    ArchiveCorrupted,
    ArchiveError,
    ArchiveMismatch,
    ArchiveMissing,
    ConversionError,
    CosigneError,
    TransitionRefused,
)
from signing.kinds import children_of as child_kinds
from signing.permissions import StaffAction, roles_allowed
from signing.vocabulary import (
    DocumentAction,
    DocumentState,
)
from signing.workflow import (
    AmendmentView,
    allows,
    decide_amend,
)


@bp.get("/documents/<int:document_id>")
@login_required(*READ_ROLES)
def document(document_id: int) -> ResponseReturnValue:
    document = document_of(document_id)
    return document_page(document)


def document_page(
    document: Document,
    *,
    cancel_error: str | None = None,
    sign_errors: Mapping[str, str] | None = None,
    sign_values: Mapping[str, Any] | None = None,
    note_errors: Mapping[str, str] | None = None,
    note_values: Mapping[str, Any] | None = None,
    note_needs_amendment: bool = False,
) -> str:
    acts = staff_user().role in STAFF_ROLES
    session = db.session()
    amendments = amendments_of(session, document)
    can = {
        action.value: acts and allows(document.state, action)
        for action in (DocumentAction.EDIT, DocumentAction.ISSUE, DocumentAction.CANCEL)
    }
    can["amend"] = acts and _may_amend(document, amendments)
    return render_template(
        "staff/document.html",
        document=document,
        form=forms.build(document.kind, document.data),
        warnings=document.warnings or [],
        can=can,
        can_act=acts,
        **signer_actions(document, acts=acts),
        labels=template_labels(),
        cancel_error=cancel_error,
        parent=document.pathway if document.kind.spec.parent else None,
        parent_link=document.kind.spec.parent,
        children=[(child, child.kind.spec.parent) for child in children_of(session, document)],
        offers=[
            (kind, link)
            for kind, link in child_kinds(document.kind)
            if acts and link.offered_when(document.data)
        ],
        amended=document.amends,
        amendments=amendments,
        sign_errors=sign_errors or {},
        sign_values=sign_values or {},
        consent_text=CONSENT_TEXT,
        follow_up=follow_up_of(session, document, context.current().now()),
        can_note=staff_user().role in roles_allowed(StaffAction.FOLLOW_UP),
        note_errors=note_errors or {},
        note_values=note_values or {},
        note_needs_amendment=note_needs_amendment,
        to_adjust=contract_to_adjust(session, document, context.current().now(), acts=acts),
    )


def _may_amend(document: Document, amendments: list[Document]) -> bool:
    """The workflow's answer to « may this document be amended now? »."""
    views = [AmendmentView(a.id, a.state) for a in amendments]
    try:
        decide_amend(document.state, views)
    except TransitionRefused:
        return False
    return True


@bp.get("/documents/<int:document_id>/piste-audit")
@login_required(*READ_ROLES)
def audit_trail(document_id: int) -> ResponseReturnValue:
    """The document's events, oldest first, and whether their hash chain is intact."""
    document = document_of(document_id)
    ctx = context.current()
    checked = check_trail(ctx.settings, ctx.db.trail_keys, document)
    return render_template(
        "staff/audit.html",
        document=document,
        trail=list(document.events),
        checked=checked,
        labels=template_labels(),
    )


@bp.get("/documents/<int:document_id>/preuves.json")
@login_required(*READ_ROLES)
def evidence_file(document_id: int) -> ResponseReturnValue:
    """The evidence file as JSON, downloaded: the certificate's facts, with every event's hash."""
    document = document_of(document_id)
    try:
        found = evidence_of(context.current().settings, document, document.school)
    except Conflict as exc:
        flash(public_message(exc), "error")
        return to_document(document.id)
    body = json.dumps(found, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="preuves-document-{document.id}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/documents/<int:document_id>/verification")
@login_required(*READ_ROLES)
def verify_final_pdf(document_id: int) -> ResponseReturnValue:
    """Check the archived final PDF as anyone holding it would at /verifier: its seal, that it
    is unchanged since, and that it is this document's. Reads only."""
    document = document_of(document_id)
    if document.state != DocumentState.COMPLETED or not document.final_pdf_sha256:
        flash("Ce document n'a pas encore de PDF signé et scellé à vérifier.", "error")
        return to_document(document.id)
    try:
        pdf = pdf_of(context.current(), db.session(), document)
    except ArchiveError as exc:
        current_app.logger.exception("PDF final du document %s illisible", document.id)
        damaged = isinstance(exc, ArchiveMissing | ArchiveCorrupted | ArchiveMismatch)
        flash(
            public_message(exc)
            if damaged
            else "Le PDF archivé est illisible : prévenez l'administrateur de Cosigne.",
            "error",
        )
        return to_document(document.id)
    max_bytes, timeout_s = checks.limits(current_app.config)
    try:
        checked = checks.verify_upload(
            db.session(),
            pdf,
            trust_roots=checks.trust_roots(current_app.config["COSIGNE"]),
            school_id=document.school_id,
            document_id=document.id,
            max_bytes=max_bytes,
            timeout_s=timeout_s,
        )
    except CosigneError:
        flash("La vérification est momentanément indisponible. Réessayez plus tard.", "error")
        return to_document(document.id)
    return render_template(
        "staff/verification.html",
        document=document,
        checked=checked,
        report=checked.report,
        labels=template_labels(),
    )


@bp.get("/documents/<int:document_id>/pdf")
@login_required(*READ_ROLES)
def document_pdf(document_id: int) -> ResponseReturnValue:
    """The draft's preview, the frozen PDF once issued, the sealed one once completed (the
    operation chooses, and checks the archived file's hash)."""
    document = document_of(document_id)
    try:
        pdf = pdf_of(context.current(), db.session(), document)
    except ConversionError:
        flash("Le PDF n'a pas pu être fabriqué. Réessayez dans un instant.", "error")
        return to_document(document.id)
    except (ArchiveMissing, ArchiveCorrupted, ArchiveMismatch) as exc:
        current_app.logger.exception("PDF final du document %s endommagé", document.id)
        flash(public_message(exc), "error")
        return to_document(document.id)
    except ArchiveError:
        current_app.logger.exception("PDF final du document %s illisible", document.id)
        flash("Le PDF signé est momentanément indisponible. Réessayez plus tard.", "error")
        return to_document(document.id)
    suffix = {"draft": "apercu", "completed": "signe"}.get(document.state, "emis")
    name = f"document-{document.id}-{suffix}.pdf"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
