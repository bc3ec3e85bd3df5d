"""The signer's pages: public, reached only through a signing link, in French, phone-first.

`GET /sign/<token>` shows the document and the signing form (the visit is recorded, the link
stays usable: mail scanners open links before people do); the POSTs sign or decline and use the
link up. Every dead link (forged, expired, used, revoked, cancelled) gets a French page that says
what happened and whom to contact, and nothing changes.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue

from service import csrf, finalize, operations, web
from service.clock import PARIS
from service.models import Document, School, Signer
from service.operations import Conflict, DeadLink, SignatureRefused, SigningView
from service.security import PAGE_CSP
from service.signature_image import SignatureImageRefused, clean_signature
from signing.errors import (
    CosigneError,
    FieldIssue,
    LinkExpired,
    LinkInvalid,
    LinkRevoked,
    TransitionRefused,
)
from signing.french import format_date_fr, format_time_fr
from signing.model import ROLE_LABELS, Role
from signing.schema import load_schema

bp = Blueprint("sign", __name__, url_prefix="/sign")
csrf.protect(bp, bound_to="token")  # the link is the forms' secret: no cookie here

PDF_CSP = "frame-ancestors 'self'"
"""The PDF is shown inside its own page (an <object>), and nowhere else."""

_FIELD_ANCHORS = {
    "consent": "consent",
    "full_name": "full_name",
    "signature": "signature-pad",
    "pdf": "document",
    "reason": "reason",
}

_DEAD_TITLES = {
    "signed": "Vous avez déjà signé",
    "declined": "Vous avez refusé de signer",
    "cancelled": "Ce document a été annulé",
    "expired": "Le délai de signature est dépassé",
    "replaced": "Ce lien a été remplacé",
    "closed": "Ce document ne peut plus être signé",
    "waiting": "Ce n'est pas encore à vous de signer",
}


@bp.after_request
def security_headers(response: Response) -> Response:
    """No framing (except the PDF by its own page), no referrer (the link is a secret), no
    caching (a shared computer must not keep a signer's page), no script but our files."""
    pdf = request.endpoint == "sign.document_pdf"
    response.headers["Content-Security-Policy"] = PDF_CSP if pdf else PAGE_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN" if pdf else "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# Routes


@bp.get("/<token>")
def page(token: str) -> ResponseReturnValue:
    view = operations.open_link(web.context(), token, web.origin())
    if view.rows is None:  # the first visit: rendered for itself
        return _signing_page(view, token)
    key = (token, view.rows)
    html = _rendered_pages.get(key)
    if html is None:
        html, _ = _signing_page(view, token)
        _rendered_pages.put(key, html)
    return html


class _RenderedPages:
    """The signing pages last rendered, by link and by the exact values the page shows: a signer
    coming back to an unchanged page gets it without rendering it again (a change of any value
    read, the link's expiry included, makes another key). The form's CSRF token is the link's
    own (`csrf.protect(bp, bound_to="token")`), the same on every visit. Bounded, least recently
    used out."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._pages: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> str | None:
        with self._lock:
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
            return html

    def put(self, key: tuple[str, str], html: str) -> None:
        with self._lock:
            self._pages[key] = html
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)


_rendered_pages = _RenderedPages(size=256)


@bp.get("/<token>/document.pdf")
def document_pdf(token: str) -> ResponseReturnValue:
    view = operations.signing_document(web.context(), token)
    document = view.document
    if document.pdf is None:  # an issued document always has one; never show a draft
        raise LinkRevoked
    response = Response(document.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{pdf_filename(document)}"'
    return response


@bp.post("/<token>")
def sign(token: str) -> ResponseReturnValue:
    ctx = web.context()
    form = request.form
    consent, full_name = bool(form.get("consent")), form.get("full_name", "")
    values = {"consent": consent, "full_name": full_name}
    try:
        signature_png = clean_signature(form.get("signature", ""))
    except SignatureImageRefused as exc:
        view = operations.signing_document(ctx, token)  # a dead link answers first
        return _signing_page(view, token, errors=[exc.issue], values=values)
    try:
        signer = operations.sign(
            ctx,
            token,
            web.origin(),
            consent=consent,
            full_name=full_name,
            signature_png=signature_png,
            shown_pdf_sha256=form.get("pdf_sha256") or None,
        )
    except SignatureRefused as exc:
        view = operations.signing_document(ctx, token)
        return _signing_page(view, token, errors=exc.issues, values=values)
    document = signer.document
    if document.state == "signed":
        _finalize(ctx, document.id)
    return render_template("sign/signed.html", **_describe(document, signer, document.school))


def _finalize(ctx: operations.Context, document_id: int) -> None:
    """After the last signature, seal and archive at once; on failure the worker retries."""
    try:
        finalize.finalize(ctx, document_id)
    except CosigneError:
        current_app.logger.exception("finalisation du document %s reportée", document_id)


@bp.post("/<token>/decline")
def decline(token: str) -> ResponseReturnValue:
    ctx = web.context()
    view = operations.signing_document(ctx, token)
    reason = request.form.get("reason", "")
    try:
        operations.decline(ctx, token, web.origin(), reason=reason)
    except SignatureRefused as exc:
        return _signing_page(
            view, token, errors=exc.issues, values={"reason": reason}, declining=True
        )
    return render_template(
        "sign/declined.html", **_describe(view.document, view.signer, view.school)
    )


# ---------------------------------------------------------------------------------------------
# Dead links and refused requests: a French page, the right status, nothing changed


@bp.errorhandler(LinkInvalid)
def forged_link(_exc: LinkInvalid) -> ResponseReturnValue:
    # Nothing about the document or the school: the link proves nothing.
    message = "Il est peut-être incomplet : vérifiez qu'il a été copié en entier."
    return _dead_page(404, "Ce lien n'est pas valide", message, hint="forged")


@bp.errorhandler(LinkExpired)
def expired_link(exc: LinkExpired) -> ResponseReturnValue:
    message = f"Ce lien était valable jusqu'au {paris_moment(exc.expired_at)}."
    return _dead_page(410, "Ce lien a expiré", message, hint="expired")


@bp.errorhandler(LinkRevoked)
def revoked_link(exc: LinkRevoked) -> ResponseReturnValue:
    return _dead_page(410, "Ce lien n'est plus valable", str(exc), hint="replaced")


@bp.errorhandler(DeadLink)
def dead_link(exc: DeadLink) -> ResponseReturnValue:
    title = _DEAD_TITLES.get(exc.reason, "Ce lien n'est plus valable")
    return _dead_page(410, title, str(exc), hint=exc.reason, contact=exc.contact)


@bp.errorhandler(TransitionRefused)
def refused_transition(exc: TransitionRefused) -> ResponseReturnValue:
    return _dead_page(410, "Cette action n'est plus possible", str(exc), hint="closed")


@bp.errorhandler(Conflict)
def conflict(_exc: Conflict) -> ResponseReturnValue:
    message = (
        "Une autre action sur ce document a eu lieu au même moment, et la vôtre n'a pas été "
        "enregistrée. Rouvrez le lien reçu par courriel pour voir où en est le document."
    )
    return _dead_page(409, "Votre demande n'a pas abouti", message, hint="conflict")


@bp.errorhandler(csrf.CsrfRefused)
def csrf_refused(exc: csrf.CsrfRefused) -> ResponseReturnValue:
    token = (request.view_args or {}).get("token")
    back = url_for("sign.page", token=token) if token else None
    return render_template("sign/csrf.html", message=exc.description, back=back), 400


def _dead_page(
    status: int, title: str, message: str, *, hint: str, contact: str | None = None
) -> ResponseReturnValue:
    page = render_template(
        "sign/dead.html", title=title, message=message, hint=hint, contact=contact
    )
    return page, status


# ---------------------------------------------------------------------------------------------
# What the pages show


def _signing_page(
    view: SigningView,
    token: str,
    *,
    errors: Iterable[FieldIssue] = (),
    values: Mapping[str, Any] | None = None,
    declining: bool = False,
) -> tuple[str, int]:
    errors_by_field: dict[str, str] = {}
    for issue in errors:
        errors_by_field.setdefault(issue.field, issue.message)
    deadline = view.document.deadline
    expires_on = view.expires_at.astimezone(PARIS).date()
    page = render_template(
        "sign/page.html",
        token=token,
        errors=errors_by_field,
        anchors=_FIELD_ANCHORS,
        values=values or {},
        declining=declining,
        consent_text=operations.CONSENT_TEXT,
        expires=paris_moment(view.expires_at),
        deadline=_date_fr(deadline) if deadline and deadline < expires_on else None,
        **_describe(view.document, view.signer, view.school),
    )
    return page, (422 if errors_by_field else 200)


def _describe(document: Document, signer: Signer, school: School) -> dict[str, Any]:
    """What every page about the document says (the signing page adds the link's expiry)."""
    data = document.data
    pupil = data.get("pupil", {})
    host = data.get("host") or {}
    return {
        "document": document,
        "signer": signer,
        "school": school,
        "kind_title": load_schema(document.kind).title,
        "pupil_name": f"{pupil.get('first_name', '')} {pupil.get('last_name', '')}".strip(),
        "pupil_class": pupil.get("class_name", ""),
        "period": _period(data.get("start_date"), data.get("end_date")),
        "host_name": host.get("name", ""),
        "head": _head(school),
        "role": role_phrase(signer.role),
        "contact": _contact(school),
        "pdf_size": _size(document.pdf_size or 0),
        "pdf_filename": pdf_filename(document),
    }


@functools.lru_cache(maxsize=1024)
def _date_fr(day: date | str) -> str:
    """`format_date_fr`, remembered: Babel's formatting costs more than the rest of the page's
    values together, and the same few dates come back on every page."""
    return format_date_fr(day)


def role_phrase(role: str) -> str:
    """``en tant que représentant légal``, ``en tant qu'élève``: the role, without its article."""
    label = ROLE_LABELS[Role(role)]
    for article in ("Le ", "La ", "L'", "L’"):
        label = label.removeprefix(article)
    plain = unicodedata.normalize("NFKD", label[:1]).casefold()
    return f"en tant qu'{label}" if plain[:1] in set("aeiouy") else f"en tant que {label}"


def paris_moment(moment: datetime) -> str:
    """``28 décembre 2026 à 10 h``, in Paris time."""
    local = moment.astimezone(PARIS)
    return f"{_date_fr(local.date())} à {format_time_fr(local.hour * 60 + local.minute)}"


def pdf_filename(document: Document) -> str:
    """An ASCII file name: ``contrat-de-parcours-individualise-martin-lefevre-zoe.pdf``."""
    pupil = document.data.get("pupil", {})
    words = " ".join(
        (load_schema(document.kind).title, pupil.get("last_name", ""), pupil.get("first_name", ""))
    )
    plain = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode().casefold()
    slug = "-".join("".join(c if c.isalnum() else " " for c in plain).split())
    return f"{slug or 'document'}.pdf"


def _period(start: str | None, end: str | None) -> str:
    if not start or not end:
        return ""
    return f"du {_date_fr(start)} au {_date_fr(end)}"


def _head(school: School) -> str:
    title = school.head_title or "Chef d'établissement"
    return f"{school.head_first_name} {school.head_last_name}, {title}"


def _contact(school: School) -> dict[str, str]:
    email = school.email or school.head_email
    return {"name": school.name, "email": email, "phone": school.phone or ""}


def _size(length: int) -> str:
    kilobytes = max(1, round(length / 1024))
    if kilobytes < 1024:
        return f"{kilobytes} ko"
    return f"{length / 1024 / 1024:.1f} Mo".replace(".", ",")
