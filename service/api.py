"""The JSON API (``/api/v1``): documents, their PDF, their signers and their audit trail.

Every route but ``/openapi.json`` needs ``Authorization: Bearer <token>`` (`service.auth_api`);
the token's user acts, and only on their school's documents: another school's document answers
404 exactly as a missing one. The handlers only read the request, call `service.operations` and
shape the answer; the errors the operations raise are mapped to statuses here, in one place, and
every error body has the same shape: ``{"errors": [{"field": …, "message": …}]}`` (French
messages; `field` is a path into the request, ``""`` when it is about the request as a whole).

Personal data stays as narrow as the use needs: signers' addresses are shown (the school's staff
wrote them), but the IP addresses and browsers recorded with each event are not part of any
answer here; they stay in the audit trail of the final PDF and in `cosigne audit verify`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, make_response, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest

from service import auth_api, db, openapi, operations, web
from service.models import DOCUMENT_KINDS, DOCUMENT_STATES, Document, Event, Signer
from signing.audit import iso_utc
from signing.errors import (
    ConversionError,
    FieldIssue,
    RenderError,
    TransitionRefused,
    UnknownKind,
    ValidationFailed,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

ID = "int(min=1, max=2147483647)"
"""Ids as the database holds them (32-bit on PostgreSQL): a larger number is simply not found."""
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PUPIL_SEARCH = 100

UNAVAILABLE = (
    "La fabrication du PDF a échoué (convertisseur indisponible) ; rien n'a été modifié. "
    "Réessayez dans quelques instants."
)
NOT_JSON = "Le corps de la demande doit être un document JSON valide."
DOCUMENT_NOT_FOUND = "Document introuvable."
"""The same words whether the document does not exist or belongs to another school."""
SIGNER_NOT_FOUND = "Ce document n'a pas de signataire de ce numéro."


class BadBody(Exception):
    """The request's body is not JSON at all (400), as opposed to JSON that fails validation."""


class SignerNotFound(Exception):
    """The document (found, and the school's) has no signer of that id."""


# ---------------------------------------------------------------------------------------------
# Authentication and errors, for every route of the blueprint


@bp.before_request
def require_token() -> None:
    if request.endpoint != "api.openapi_document":
        auth_api.authenticate()


def _errors(status: int, issues: list[dict[str, str]], **extra: Any) -> tuple[Response, int]:
    response = jsonify({"errors": issues, **extra})
    response.headers["Cache-Control"] = "no-store"
    return response, status


def _error(status: int, message: str, field: str = "") -> tuple[Response, int]:
    return _errors(status, [{"field": field, "message": message}])


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


@bp.errorhandler(auth_api.Unauthorized)
def unauthorized(exc: auth_api.Unauthorized) -> ResponseReturnValue:
    return auth_api.unauthorized_response(exc)


@bp.errorhandler(BadBody)
def bad_body(_exc: BadBody) -> ResponseReturnValue:
    return _error(400, NOT_JSON)


@bp.errorhandler(operations.NotFound)
def not_found(_exc: operations.NotFound) -> ResponseReturnValue:
    # One fixed body: the answer must not tell a missing document from another school's.
    return _error(404, DOCUMENT_NOT_FOUND)


@bp.errorhandler(SignerNotFound)
def signer_not_found(_exc: SignerNotFound) -> ResponseReturnValue:
    return _error(404, SIGNER_NOT_FOUND)


@bp.errorhandler(operations.Conflict)
@bp.errorhandler(TransitionRefused)
def conflict(exc: operations.Conflict | TransitionRefused) -> ResponseReturnValue:
    return _error(409, _sentence(str(exc)))


@bp.errorhandler(ValidationFailed)
def invalid(exc: ValidationFailed) -> ResponseReturnValue:
    return _errors(
        422, [e.as_json() for e in exc.errors], warnings=[w.as_json() for w in exc.warnings]
    )


@bp.errorhandler(UnknownKind)
def unknown_kind(exc: UnknownKind) -> ResponseReturnValue:
    return _error(422, _sentence(str(exc)), "kind")


@bp.errorhandler(ConversionError)
@bp.errorhandler(RenderError)
def unavailable(exc: ConversionError | RenderError) -> ResponseReturnValue:
    current_app.logger.error("PDF impossible à fabriquer : %s", exc, exc_info=exc)
    response, status = _error(503, UNAVAILABLE)
    response.headers["Retry-After"] = "30"
    return response, status


# ---------------------------------------------------------------------------------------------
# Shapes of the answers


def _time(at: datetime | None) -> str | None:
    return iso_utc(at) if at is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def signer_json(signer: Signer) -> dict[str, Any]:
    return {
        "id": signer.id,
        "role": signer.role,
        "first_name": signer.first_name,
        "last_name": signer.last_name,
        "email": signer.email,
        "status": signer.state,
        "invited_at": _time(signer.invited_at),
        "opened_at": _time(signer.opened_at),
        "signed_at": _time(signer.signed_at),
        "declined_at": _time(signer.declined_at),
        "decline_reason": signer.decline_reason,
        "reminder_count": signer.reminder_count,
        "last_reminded_at": _time(signer.last_reminded_at),
    }


def summary_json(document: Document) -> dict[str, Any]:
    """A document as the list shows it: no data, no signers."""
    pupil = document.data.get("pupil") or {}
    return {
        "id": document.id,
        "kind": document.kind,
        "status": document.state,
        "version": document.version,
        "pupil": {
            "first_name": pupil.get("first_name"),
            "last_name": pupil.get("last_name"),
            "class_name": pupil.get("class_name"),
        },
        "created_at": _time(document.created_at),
        "updated_at": _time(document.updated_at),
        "issued_at": _time(document.issued_at),
        "deadline": _day(document.deadline),
        "amends_id": document.amends_id,
        "pathway_id": document.pathway_id,
        "url": url_for("api.read_document", document_id=document.id),
    }


def document_json(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "kind": document.kind,
        "status": document.state,
        "version": document.version,
        "data": document.data,
        "warnings": document.warnings,
        "created_at": _time(document.created_at),
        "updated_at": _time(document.updated_at),
        "issued_at": _time(document.issued_at),
        "deadline": _day(document.deadline),
        "pdf_sha256": document.pdf_sha256,
        "amends_id": document.amends_id,
        "pathway_id": document.pathway_id,
        "cancel_reason": document.cancel_reason,
        "signers": [signer_json(s) for s in document.signers],
    }


def event_json(event: Event) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "type": event.type,
        "at": _time(event.at),
        "role": event.role,
        "actor_name": event.actor_name,
        "signer_id": event.signer_id,
        "data": event.data,
    }


def _reread(document_id: int) -> Document:
    """The document as stored now, in the request's session.

    The operations write in transactions of their own; the request's session may still be in the
    read transaction it began when the token was checked (on SQLite, a snapshot older than the
    write), so that transaction ends first and the next read sees the change.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    return operations.get_document(session, auth_api.current_user().school_id, document_id)


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


# ---------------------------------------------------------------------------------------------
# Routes


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
        created = operations.create_amendment(web.context(), auth_api.current_user(), amends, rest)
    else:
        created = operations.create_document(web.context(), auth_api.current_user(), body)
    response = make_response(jsonify(document_json(_reread(created.id))), 201)
    response.headers["Location"] = url_for("api.read_document", document_id=created.id)
    return response


def _list_query() -> dict[str, Any]:
    """The list's filters from the query string; ValidationFailed naming each bad parameter."""
    args = request.args
    issues: list[FieldIssue] = []
    status = args.get("status") or None
    if status is not None and status not in DOCUMENT_STATES:
        issues.append(
            FieldIssue(
                "status", f"statut inconnu (valeurs possibles : {', '.join(DOCUMENT_STATES)})"
            )
        )
    kind = args.get("kind") or None
    if kind is not None and kind not in DOCUMENT_KINDS:
        issues.append(
            FieldIssue("kind", f"type inconnu (valeurs possibles : {', '.join(DOCUMENT_KINDS)})")
        )
    pupil = " ".join(args.get("pupil", "").split()) or None
    if pupil is not None and len(pupil) > MAX_PUPIL_SEARCH:
        issues.append(FieldIssue("pupil", f"{MAX_PUPIL_SEARCH} caractères au plus"))

    def number(name: str, default: int, maximum: int | None) -> int:
        raw = args.get(name, "").strip()
        if not raw:
            return default
        bound = f"entre 1 et {maximum}" if maximum else "supérieur ou égal à 1"
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= (maximum or 10**6):
            issues.append(FieldIssue(name, f"nombre entier {bound} attendu"))
            return default
        return int(raw)

    school_year = None
    if raw_year := args.get("school_year", "").strip():
        school_year = operations.parse_school_year(raw_year)
        if school_year is None:
            issues.append(
                FieldIssue("school_year", "année scolaire attendue, par exemple 2026-2027")
            )
    page = number("page", 1, None)
    per_page = number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    if issues:
        raise ValidationFailed(issues)
    return {
        "state": status,
        "kind": kind,
        "pupil": pupil,
        "school_year": school_year,
        "page": page,
        "per_page": per_page,
    }


@bp.get("/documents")
def list_documents() -> ResponseReturnValue:
    query = _list_query()
    items, total = operations.list_documents(
        db.session(), auth_api.current_user().school_id, **query
    )
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
    operations.update_document(web.context(), auth_api.current_user(), document_id, body)
    return jsonify(document_json(_reread(document_id)))


@bp.get(f"/documents/<{ID}:document_id>/pdf")
def document_pdf(document_id: int) -> ResponseReturnValue:
    document = _reread(document_id)
    pdf = operations.document_pdf(web.context(), db.session(), document)
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
    operations.issue_document(web.context(), auth_api.current_user(), document_id)
    return jsonify(document_json(_reread(document_id)))


@bp.post(f"/documents/<{ID}:document_id>/cancel")
def cancel_document(document_id: int) -> ResponseReturnValue:
    body = _json_body(empty={})
    reason = body.get("reason") if isinstance(body, dict) else None
    if not isinstance(reason, str):
        raise ValidationFailed(
            [FieldIssue("reason", "indiquez le motif de l'annulation (un texte)")]
        )
    operations.cancel_document(web.context(), auth_api.current_user(), document_id, reason)
    return jsonify(document_json(_reread(document_id)))


@bp.post(f"/documents/<{ID}:document_id>/signers/<{ID}:signer_id>/remind")
def remind_signer(document_id: int, signer_id: int) -> ResponseReturnValue:
    if not any(s.id == signer_id for s in _reread(document_id).signers):
        raise SignerNotFound  # signers are never deleted: the operation would find none either
    operations.remind_signer(web.context(), auth_api.current_user(), document_id, signer_id)
    signer = next(s for s in _reread(document_id).signers if s.id == signer_id)
    return jsonify(signer_json(signer))


@bp.get(f"/documents/<{ID}:document_id>/events")
def document_events(document_id: int) -> ResponseReturnValue:
    document = _reread(document_id)
    return jsonify({"events": [event_json(e) for e in document.events]})
