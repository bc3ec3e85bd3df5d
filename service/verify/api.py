"""``POST /api/v1/verify``: a school's staff check a PDF (multipart field ``file``).

Same authentication and error shape as the rest of the JSON API (`service.api`). The answer says
what the file proves (`seal_valid`, `intact`) and, for the caller's own school only, which
document it is and who signed it when (`known`, `document_id`, `signers`). Another school's final
PDF is answered `known: false` with the problem `checks.OTHER_SCHOOL`, and nothing of it.

Every file gets 200 with its report, a file that is not a PDF included (``is_pdf: false`` and the
reason in `problems`): the verification worked, its answer is "not a PDF". Only a request without
a file (422), a file over the limit (413) or a machine that cannot analyse at all (503) are
errors.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from service import db
from service.accounts import bearer
from service.errors import Unauthorized, json_answer, json_errors
from service.verify import checks
from signing.errors import CosigneError, VerificationUnavailable
from signing.trail import iso_utc

bp = Blueprint("api_verify", __name__, url_prefix="/api/v1")

NO_FILE = "Joignez le fichier PDF à vérifier dans le champ « file » (multipart/form-data)."
EMPTY_FILE = "Le fichier envoyé est vide."


@bp.before_request
def require_token() -> None:
    max_bytes, _ = checks.limits(current_app.config)
    request.max_content_length = max_bytes + checks.FORM_ALLOWANCE
    bearer.authenticate()


@bp.errorhandler(CosigneError)
def error(exc: CosigneError) -> ResponseReturnValue:
    """Every refusal, in the API's one error shape (`service.errors`)."""
    if isinstance(exc, Unauthorized):
        return bearer.unauthorized_response(exc)
    if isinstance(exc, VerificationUnavailable):
        current_app.logger.error("vérification impossible : %s", exc, exc_info=exc)
    return json_answer(exc)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_exc: RequestEntityTooLarge) -> ResponseReturnValue:
    max_bytes, _ = checks.limits(current_app.config)
    return json_errors(413, [{"field": "file", "message": checks.too_large(max_bytes)}])


def verification_json(checked: checks.Verification) -> dict[str, Any]:
    report = checked.report
    return {
        "is_pdf": report.is_pdf,
        "seal_present": report.seal_present,
        "seal_valid": report.seal_valid,
        "intact": report.intact,
        "known": checked.known,
        "trustworthy": checked.trustworthy,
        "document_id": checked.document_id,
        "kind": checked.kind,
        "completed_at": iso_utc(checked.completed_at) if checked.completed_at else None,
        "signed_by": report.signed_by if report.seal_valid else None,
        "sealed_at": iso_utc(report.sealed_at) if report.sealed_at else None,
        "timestamped_at": iso_utc(report.timestamped_at) if report.timestamped_at else None,
        "timestamped_by": report.timestamped_by if report.timestamped_at else None,
        "superseded": checked.superseded,
        "signers": [
            {
                "role": signer.role,
                "role_label": signer.role_label,
                "name": signer.name,
                "signed_at": iso_utc(signer.signed_at),
            }
            for signer in checked.signers
        ],
        "sha256": report.sha256,
        "problems": list(checked.problems),
    }


@bp.post("/verify")
def verify() -> ResponseReturnValue:
    upload = request.files.get("file")
    if upload is None:
        return json_errors(422, [{"field": "file", "message": NO_FILE}])
    max_bytes, timeout_s = checks.limits(current_app.config)
    data = upload.read(max_bytes + 1)
    if not data:
        return json_errors(422, [{"field": "file", "message": EMPTY_FILE}])
    if len(data) > max_bytes:
        raise RequestEntityTooLarge
    checked = checks.verify_upload(
        db.session(),
        data,
        trust_roots=checks.trust_roots(current_app.config["COSIGNE"]),
        school_id=bearer.current_user().school_id,
        max_bytes=max_bytes,
        timeout_s=timeout_s,
    )
    response = jsonify(verification_json(checked))
    response.headers["Cache-Control"] = "no-store"
    return response
