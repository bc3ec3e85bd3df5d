"""The JSON API (``/api/v1``): documents, their PDF, their signers and their audit trail.

Every route but ``/openapi.json`` needs ``Authorization: Bearer <token>``
(`service.accounts.bearer`); the token's user acts, and only on their school's documents:
another school's document answers 404 exactly as a missing one. The handlers only read the
request, call the use cases and shape the answer; the errors the use cases raise get their
status from `service.errors`, and every error body has the same shape: ``{"errors": [{"field":
…, "message": …}]}`` (French messages; `field` is a path into the request, ``""`` when it is
about the request as a whole).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, make_response, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest

from service import context, db
from service.accounts import bearer
from service.api import openapi
from service.api.list_query import list_query
from service.api.shapes import document_json, event_json, signer_json, summary_json
from service.documents import amend, cancel, create, issue, preview, queries, update
from service.documents.models import Document
from service.documents.store import get_document
from service.errors import BadBody, SignerNotFound, Unauthorized, json_answer
from service.finalize.evidence_export import evidence_of
from service.signers import remind
from signing.errors import (
    ConversionError,
    CosigneError,
    FieldIssue,
    RenderError,
    ValidationFailed,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")


ID = "int(min=1, max=2147483647)"
"""Ids as the database holds them (32-bit on PostgreSQL): a larger number is simply not found."""


@bp.before_request
def require_token() -> None:
    if request.endpoint != "api.openapi_document":
        bearer.authenticate()


@bp.errorhandler(CosigneError)
def error(exc: CosigneError) -> ResponseReturnValue:
    """Every refusal, in the API's one error shape, with the status of `service.errors`."""
    if isinstance(exc, Unauthorized):
        return bearer.unauthorized_response(exc)
    if isinstance(exc, ConversionError | RenderError):
        current_app.logger.error("PDF impossible à fabriquer : %s", exc, exc_info=exc)
    return json_answer(exc)


def _reread(document_id: int) -> Document:
    """The document as stored now, in the request's session.

    The use cases write in transactions of their own; the request's session may still be in the
    read transaction it began when the token was checked (on SQLite, a snapshot older than the
    write), so that transaction ends first and the next read sees the change.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    return get_document(session, bearer.current_user().school_id, document_id)


def _json_body(*, empty: Any = None) -> Any:
    """The request's JSON; `empty` stands for a body left empty when not None (400 otherwise)."""
    if empty is not None and not request.get_data():
        return empty
    try:
        # `force`: any content type; the token, not a cookie, authenticates, so a form a browser
        # could post from another site carries no credentials.
        return request.get_json(force=True)
    except BadRequest:
        raise BadBody from None


@bp.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    return jsonify(openapi.document())


@bp.post("/documents")
def create_document() -> ResponseReturnValue:
    body = _json_body()
    if isinstance(body, dict) and "amends" in body:
        amends = body["amends"]
        if not isinstance(amends, int) or isinstance(amends, bool) or amends < 1:
            raise ValidationFailed(
                [FieldIssue("amends", "numéro du document à modifier attendu (entier positif)")]
            )
        rest = {k: v for k, v in body.items() if k != "amends"}
        created = amend.create_amendment(context.current(), bearer.current_user(), amends, rest)
    else:
        created = create.create_document(context.current(), bearer.current_user(), body)
    response = make_response(jsonify(document_json(_reread(created.id))), 201)
    response.headers["Location"] = url_for("api.read_document", document_id=created.id)
    return response


@bp.get("/documents")
def list_documents() -> ResponseReturnValue:
    query = list_query()
    items, total = queries.list_documents(db.session(), bearer.current_user().school_id, **query)
    return jsonify(
        {
            "items": [summary_json(d) for d in items],
            "total": total,
            "page": query["page"],
            "per_page": query["per_page"],
        }
    )


@bp.get(f"/documents/<{ID}:document_id>")
def read_document(document_id: int) -> ResponseReturnValue:
    return jsonify(document_json(_reread(document_id)))


@bp.put(f"/documents/<{ID}:document_id>")
def update_document(document_id: int) -> ResponseReturnValue:
    body = _json_body()
    update.update_document(context.current(), bearer.current_user(), document_id, body)
    return jsonify(document_json(_reread(document_id)))


@bp.get(f"/documents/<{ID}:document_id>/pdf")
def document_pdf(document_id: int) -> ResponseReturnValue:
    document = _reread(document_id)
    pdf = preview.document_pdf(context.current(), db.session(), document)
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="{document.kind}-{document.id}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post(f"/documents/<{ID}:document_id>/issue")
def issue_document(document_id: int) -> ResponseReturnValue:
    issue.issue_document(context.current(), bearer.current_user(), document_id)
    return jsonify(document_json(_reread(document_id)))


@bp.post(f"/documents/<{ID}:document_id>/cancel")
def cancel_document(document_id: int) -> ResponseReturnValue:
    body = _json_body(empty={})
    reason = body.get("reason") if isinstance(body, dict) else None
    if not isinstance(reason, str):
        raise ValidationFailed(
            [FieldIssue("reason", "indiquez le motif de l'annulation (un texte)")]
        )
    cancel.cancel_document(context.current(), bearer.current_user(), document_id, reason)
    return jsonify(document_json(_reread(document_id)))


@bp.post(f"/documents/<{ID}:document_id>/signers/<{ID}:signer_id>/remind")
def remind_signer(document_id: int, signer_id: int) -> ResponseReturnValue:
    if not any(s.id == signer_id for s in _reread(document_id).signers):
        raise SignerNotFound  # signers are never deleted: the operation would find none either
    remind.remind_signer(context.current(), bearer.current_user(), document_id, signer_id)
    signer = next(s for s in _reread(document_id).signers if s.id == signer_id)
    return jsonify(signer_json(signer))


@bp.get(f"/documents/<{ID}:document_id>/events")
def document_events(document_id: int) -> ResponseReturnValue:
    document = _reread(document_id)
    return jsonify({"events": [event_json(e) for e in document.events]})


@bp.get(f"/documents/<{ID}:document_id>/evidence")
def document_evidence(document_id: int) -> ResponseReturnValue:
    """The evidence file as JSON: the certificate's facts, with every event's hash."""
    document = _reread(document_id)
    return jsonify(evidence_of(context.current().settings, document, document.school))
