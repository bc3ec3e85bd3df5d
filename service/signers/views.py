"""The signer's pages: public, reached only through a signing link, in French, phone-first.

`GET /sign/<token>` shows the document and the signing form (the visit is recorded, the link
stays usable: mail scanners open links before people do); the POSTs sign or decline and use the
link up. Every dead link (forged, expired, used, revoked, cancelled) gets a French page that says
what happened and whom to contact, and nothing changes.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from service import context, i18n
from service.accounts import csrf
from service.context import Context
from service.errors import (
    Conflict,
    CopyClosed,
    DeadLink,
    PageNotFound,
    SignatureRefused,
    TooManyAttempts,
    answer,
    public_message,
)
from service.finalize.finalize import finalize
from service.security import PAGE_CSP
from service.signers.codes import code_state
from service.signers.codes import send_code as send_signing_code
from service.signers.copy import closed, copy_pdf, copy_token, read_copy
from service.signers.dead_links import contact_for_token, dead_link_facts
from service.signers.decline import decline as decline_document
from service.signers.link_guesses import count_guess
from service.signers.links import read_link, signing_view
from service.signers.open_link import open_link
from service.signers.page_images import page_image
from service.signers.pages import (
    dead_page,
    describe,
    paris_moment,
    pdf_filename,
    rendered_pages,
    signing_page,
)
from service.signers.sign import sign as sign_document
from service.signers.signature_image import (
    DRAWN,
    SignatureImageRefused,
    as_data_url,
    posted_signature,
)
from signing.errors import (
    CosigneError,
    FieldIssue,
    LinkExpired,
    LinkInvalid,
    LinkRevoked,
)
from signing.vocabulary import DocumentState

bp = Blueprint("sign", __name__, url_prefix="/sign")
csrf.protect(bp, bound_to="token")  # the link is the forms' secret: no cookie here
i18n.serve_in_signers_language(bp)

PDF_CSP = "frame-ancestors 'self'"
"""The PDF is shown inside its own page (an <object>), and nowhere else."""


@bp.after_request
def security_headers(response: Response) -> Response:
    """No framing (except the PDF by its own page), no referrer (the link is a secret), no
    caching (a shared computer must not keep a signer's page; a page image only a few minutes,
    privately), no script but our files."""
    pdf = request.endpoint == "sign.document_pdf"
    response.headers["Content-Security-Policy"] = PDF_CSP if pdf else PAGE_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN" if pdf else "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    image = request.endpoint == "sign.page_png" and response.status_code == 200
    # A page image is the frozen PDF's, behind the same link: kept a little by this browser
    # only, for scrolling back and forth, never by a shared cache.
    response.headers["Cache-Control"] = "private, max-age=300" if image else "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<token>")
def page(token: str) -> ResponseReturnValue:
    ctx = context.current()
    view = open_link(ctx, token, context.origin())
    code = code_state(ctx, view.school, view.signer)
    if view.rows is None:  # the first visit: rendered for itself
        return signing_page(view, token, code=code)
    language = i18n.choose(view.signer.language)
    key = (token, view.rows + repr(code) + language)
    html = rendered_pages.get(key)
    if html is None:
        html, _ = signing_page(view, token, code=code)
        rendered_pages.put(key, html)
    return html


@bp.get("/<token>/document.pdf")
def document_pdf(token: str) -> ResponseReturnValue:
    view = signing_view(context.current(), token)
    document = view.document
    if document.pdf is None:  # an issued document always has one; never show a draft
        raise LinkRevoked
    response = Response(document.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{pdf_filename(document)}"'
    return response


@bp.get("/<token>/pages/<int:number>.png")
def page_png(token: str, number: int) -> ResponseReturnValue:
    """Page `number` of the frozen PDF, as an image: the same checks as the page itself."""
    ctx = context.current()
    view, _ = read_link(ctx, token, ctx.now())
    png = page_image(ctx, view.document, number)
    if png is None:
        raise PageNotFound(f"Le document n'a pas de page {number}.")
    return Response(png, mimetype="image/png")


@bp.post("/<token>")
def sign(token: str) -> ResponseReturnValue:
    ctx = context.current()
    form = request.form
    consent, full_name = bool(form.get("consent")), form.get("full_name", "")
    method = form.get("signature_method")
    values: dict[str, Any] = {"consent": consent, "full_name": full_name, "method": method}
    try:
        signature_png = posted_signature(method, form.get("signature", ""))
    except SignatureImageRefused as exc:
        view = signing_view(ctx, token)  # a dead link answers first
        return signing_page(view, token, errors=[exc.issue], values=values)
    if signature_png is not None:
        # Any error below shows the page again: the drawing comes back with it, as cleaned.
        values.update(method=DRAWN, signature=as_data_url(signature_png))
    try:
        signer = sign_document(
            ctx,
            token,
            context.origin(),
            consent=consent,
            full_name=full_name,
            signature_png=signature_png,
            shown_pdf_sha256=form.get("pdf_sha256") or None,
            code=form.get("code"),
        )
    except SignatureRefused as exc:
        view = signing_view(ctx, token)
        return signing_page(view, token, errors=exc.issues, values=values)
    except TooManyAttempts as exc:
        return _code_waits(ctx, token, exc, values)
    document = signer.document
    if document.state == DocumentState.SIGNED:
        _finalize(ctx, document.id)
    token = copy_token(ctx, signer.id, str(document.pdf_sha256), now=ctx.now())
    copy = read_copy(ctx, token)  # after the finalisation: who has signed, and if it is over
    return render_template(
        "sign/signed.html", copy=copy, thanks=True, **describe(document, signer, document.school)
    )


@bp.get("/copie/<token>")
def copy_page(token: str) -> ResponseReturnValue:
    """The signer's copy, again: who has signed so far, and the PDF they signed."""
    copy = read_copy(context.current(), token)
    if not copy.readable:
        raise closed(copy)
    return render_template(
        "sign/signed.html",
        copy=copy,
        thanks=False,
        **describe(copy.document, copy.signer, copy.school),
    )


@bp.get("/copie/<token>/document.pdf")
def copy_document_pdf(token: str) -> ResponseReturnValue:
    ctx = context.current()
    copy = read_copy(ctx, token)
    response = Response(copy_pdf(ctx, copy), mimetype="application/pdf")
    name = pdf_filename(copy.document)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post("/<token>/code")
def send_code(token: str) -> ResponseReturnValue:
    """Mail the signer a one-time code, then back to their page, at the code's field."""
    ctx = context.current()
    try:
        send_signing_code(ctx, token, context.origin())
    except SignatureRefused as exc:  # asked again too soon
        view = signing_view(ctx, token)
        return signing_page(view, token, errors=exc.issues, status=429)
    return redirect(url_for("sign.page", token=token, _anchor="code"), 303)


def _code_waits(
    ctx: Context, token: str, exc: TooManyAttempts, values: dict[str, Any]
) -> ResponseReturnValue:
    """Too many wrong codes from this address: the page again, saying how long to wait."""
    view = signing_view(ctx, token)
    issue = FieldIssue("code", str(exc))
    html, status = signing_page(view, token, errors=[issue], values=values, status=429)
    return html, status, {"Retry-After": str(exc.retry_after or 60)}


def _finalize(ctx: Context, document_id: int) -> None:
    """After the last signature, seal and archive at once; on failure the worker retries."""
    try:
        finalize(ctx, document_id)
    except CosigneError:
        current_app.logger.exception("finalisation du document %s reportée", document_id)


@bp.post("/<token>/decline")
def decline(token: str) -> ResponseReturnValue:
    ctx = context.current()
    view = signing_view(ctx, token)
    reason = request.form.get("reason", "")
    try:
        decline_document(ctx, token, context.origin(), reason=reason)
    except SignatureRefused as exc:
        return signing_page(
            view, token, errors=exc.issues, values={"reason": reason}, declining=True
        )
    return render_template(
        "sign/declined.html", **describe(view.document, view.signer, view.school)
    )


_CONFLICT = (
    "Une autre action sur ce document a eu lieu au même moment, et la vôtre n'a pas été "
    "enregistrée. Rouvrez le lien reçu par courriel pour voir où en est le document."
)


@bp.errorhandler(CosigneError)
def refused(exc: CosigneError) -> ResponseReturnValue:
    """A dead link or a refused request: a French page that says what happened and whom to ask,
    with the status of `service.errors`; nothing was changed."""
    found = answer(exc)
    title, message, hint = found.title, str(exc), "closed"
    if isinstance(exc, LinkInvalid):
        # Nothing about the document or the school: the link proves nothing.
        waiting = count_guess(context.current(), context.client_ip())
        if waiting is not None:
            wait = answer(waiting)
            headers = {"Retry-After": str(waiting.retry_after or 60)}
            return dead_page(wait.status, wait.title, str(waiting), hint="wait", headers=headers)
        message = "Il est peut-être incomplet : vérifiez qu'il a été copié en entier."
        hint = "forged"
    elif isinstance(exc, LinkExpired):
        message = f"Ce lien était valable jusqu'au {paris_moment(exc.expired_at)}."
        hint = "expired"
    elif isinstance(exc, LinkRevoked):
        hint = "replaced"
    elif isinstance(exc, DeadLink):
        facts = dead_link_facts(context.current(), exc)
        token = (request.view_args or {}).get("token")
        return dead_page(
            found.status, exc.end.heading, exc.end.message, hint="", facts=facts, token=token
        )
    elif isinstance(exc, CopyClosed):
        return dead_page(found.status, title, message, hint="copy", contact=exc.contact)
    elif isinstance(exc, Conflict):
        message, hint = _CONFLICT, "conflict"
    elif found.status >= 500:
        current_app.logger.error("page de signature : %s", exc, exc_info=exc)
        message = public_message(exc)
    return dead_page(found.status, title, message, hint=hint)


@bp.errorhandler(csrf.CsrfRefused)
def csrf_refused(exc: csrf.CsrfRefused) -> ResponseReturnValue:
    token = (request.view_args or {}).get("token")
    back = url_for("sign.page", token=token) if token else None
    school = contact_for_token(context.current(), token)
    page = render_template("sign/csrf.html", message=exc.description, back=back, school=school)
    return page, 400
