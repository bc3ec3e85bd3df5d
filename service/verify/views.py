"""The public verification page, ``/verifier``: anyone holding a final PDF may check it.

`GET /verifier` shows the upload form; `POST /verifier` answers with a page saying whether the
seal is valid, whether the file is intact, and whether Cosigne archived it (then its kind, its
completion date, and each signature's role and time). Signers' names are never shown here: the
page is public and the pupils are often minors; whoever holds the file can read them in it.

The form is protected from cross-site posting like every public form (`service.csrf`). The
upload is bounded before it is read (``COSIGNE_VERIFY_MAX_BYTES``); the file itself is parsed in
one of `signing.pdf.verify`'s isolated workers, so a hostile file costs a worker (killed and
replaced), never this process.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from service import db
from service.accounts import csrf
from service.errors import answer
from service.security import PAGE_CSP
from service.verify import checks
from signing.errors import VerificationUnavailable

bp = Blueprint("verify_pages", __name__, url_prefix="/verifier")

NO_FILE = "Choisissez le fichier PDF à vérifier."
UNAVAILABLE = (
    "La vérification est momentanément indisponible. Réessayez dans quelques instants ; "
    "votre fichier n'a pas été conservé."
)


@bp.before_request
def limit_upload() -> None:
    # Before the CSRF check, which reads the form: the body is bounded before anything reads it.
    max_bytes, _ = checks.limits(current_app.config)
    request.max_content_length = max_bytes + checks.FORM_ALLOWANCE


csrf.protect(bp)


@bp.after_request
def security_headers(response: Response) -> Response:
    """No caching (the answer is about someone's file), no referrer, no framing."""
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _form(error: str | None, status: int) -> tuple[str, int]:
    max_bytes, _ = checks.limits(current_app.config)
    limit = checks.size_fr(max_bytes)
    return render_template("verify/form.html", error=error, limit=limit), status


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_exc: RequestEntityTooLarge) -> ResponseReturnValue:
    max_bytes, _ = checks.limits(current_app.config)
    return _form(checks.too_large(max_bytes), 413)


@bp.errorhandler(csrf.CsrfRefused)
def csrf_refused(exc: csrf.CsrfRefused) -> ResponseReturnValue:
    return _form(exc.description, 400)


@bp.errorhandler(VerificationUnavailable)
def unavailable(exc: VerificationUnavailable) -> ResponseReturnValue:
    current_app.logger.error("vérification impossible : %s", exc, exc_info=exc)
    found = answer(exc)
    page, _ = _form(UNAVAILABLE, found.status)
    return page, found.status, {"Retry-After": str(found.retry_after)}


@bp.get("")
def form() -> ResponseReturnValue:
    return _form(None, 200)


@bp.post("")
def result() -> ResponseReturnValue:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _form(NO_FILE, 422)
    max_bytes, timeout_s = checks.limits(current_app.config)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RequestEntityTooLarge
    checked = checks.verify_upload(
        db.session(),
        data,
        trust_roots=checks.trust_roots(current_app.config["COSIGNE"]),
        max_bytes=max_bytes,
        timeout_s=timeout_s,
    )
    return render_template(
        "verify/result.html",
        checked=checked,
        report=checked.report,
        filename=upload.filename,
    )
