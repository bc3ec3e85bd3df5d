"""The kiosk's pages (issue 14 §1): a head or référent hands the school's device to a signer in
the room, from the document page (« Faire signer sur cet appareil »).

The browser's session then holds the kiosk (`service.kiosk.session_flag`): only that
document's signers whose turn it is are offered, each on a page of their own with no staff
menu; every staff page sends to the lock page (`login_required`), and the staff session comes
back only with the staff member's PIN or password (checked and throttled as a login,
`unlock_kiosk`). « Terminer » closes the signer's pages at once, and so does
COSIGNE_KIOSK_IDLE_MINUTES without a request; ``kiosk_started`` and ``kiosk_ended`` go on the
document's trail.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from service import context, db, i18n
from service.accounts import csrf
from service.accounts.session import KIOSK, current_user, login_required
from service.errors import Conflict, NotFound, SignatureRefused, TooManyAttempts, answer
from service.kiosk.session_flag import (
    close_kiosk,
    current_kiosk,
    idle_limit,
    kiosk_document_id,
    open_kiosk,
)
from service.kiosk.sign_in_person import kiosk_signer, sign_in_person, signers_now, start_kiosk
from service.kiosk.unlock_kiosk import UnlockRefused, unlock_kiosk
from service.security import PAGE_CSP
from service.signers.page_images import page_image
from service.signers.pages import page_total, pdf_filename
from service.signers.sign import CONSENT_TEXT
from service.signers.signature_image import (
    DRAWN,
    SignatureImageRefused,
    as_data_url,
    posted_signature,
)
from signing.event_types import KioskEnd
from signing.permissions import StaffAction, roles_allowed

bp = Blueprint("kiosk", __name__)
csrf.protect(bp)


@bp.after_request
def no_store(response: Response) -> Response:
    """A signer's page is never kept by the shared device, nor framed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["X-Frame-Options"] = "DENY"
    return response


@bp.post("/documents/<int:document_id>/kiosque/<int:signer_id>")
@login_required(*roles_allowed(StaffAction.HAND_OVER))
def start(document_id: int, signer_id: int) -> ResponseReturnValue:
    user = current_user()
    assert user is not None  # noqa: S101 — login_required
    try:
        started = start_kiosk(context.current(), user, document_id, context.origin())
    except NotFound:
        abort(404)
    except Conflict:
        abort(409)
    open_kiosk(user, document_id, started.event_seq)
    if any(s.id == signer_id for s in started.signers):
        return redirect(url_for("kiosk.signer_page", signer_id=signer_id), 303)
    return redirect(url_for("kiosk.screen"), 303)


def _page(name: str, status: int = 200, **values: Any) -> ResponseReturnValue:
    """A kiosk page; an open kiosk's pages warn before they close (static/kiosk_idle.js)."""
    idle = int(idle_limit().total_seconds()) if name != "lock" else None
    return render_template(f"kiosk/{name}.html", kiosk_idle_seconds=idle, **values), status


@bp.get("/kiosque")
def screen() -> ResponseReturnValue:
    opened = current_kiosk()
    if opened is None:
        return redirect(url_for("kiosk.lock"))
    _, document = opened
    signed = request.args.get("signe", "")
    return _page("screen", document=document, signers=signers_now(document), signed=signed)


@bp.route("/kiosque/signataire/<int:signer_id>", methods=["GET", "POST"])
def signer_page(signer_id: int) -> ResponseReturnValue:
    opened = current_kiosk()
    if opened is None:
        return redirect(url_for("kiosk.lock"))
    user, document = opened
    try:
        signer = kiosk_signer(db.session(), document, signer_id)
    except NotFound:
        abort(404)
    values: dict[str, object] = {"consent": False, "full_name": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _posted()
        try:
            signature_png = posted_signature(
                request.form.get("signature_method"), request.form.get("signature", "")
            )
            if signature_png is not None:  # shown again, as cleaned, if anything below fails
                values.update(method=DRAWN, signature=as_data_url(signature_png))
            sign_in_person(
                context.current(),
                user,
                document.id,
                signer_id,
                context.origin(),
                consent=bool(values["consent"]),
                full_name=str(values["full_name"]),
                signature_png=signature_png,
            )
        except SignatureImageRefused as exc:
            errors = {"signature": str(exc)}
        except SignatureRefused as exc:
            errors = {issue.field: issue.message for issue in exc.issues}
        except NotFound:
            return redirect(url_for("kiosk.screen"), 303)
        else:
            return redirect(url_for("kiosk.screen", signe=signer.full_name), 303)
    return _page(
        "signer",
        422 if errors else 200,
        document=document,
        signer=signer,
        summary=document.kind.spec.summary(
            document.data, signer.role, i18n.words(i18n.choose(signer.language))
        ),
        heading=2,
        page_urls=[url_for("kiosk.page_png", number=n) for n in range(1, page_total(document) + 1)],
        consent_text=CONSENT_TEXT,
        values=values,
        errors=errors,
        witness=user,
    )


def _posted() -> dict[str, object]:
    """The signer's entries, to show again after an error (the drawing is added once
    cleaned, issue 14 §6)."""
    return {
        "consent": bool(request.form.get("consent")),
        "full_name": request.form.get("full_name", "")[:250],
        "method": request.form.get("signature_method"),
    }


@bp.get("/kiosque/pages/<int:number>.png")
def page_png(number: int) -> ResponseReturnValue:
    """Page `number` of the frozen PDF as an image, for reading on the tablet."""
    opened = current_kiosk()
    if opened is None:
        return redirect(url_for("kiosk.lock"))
    png = page_image(context.current(), opened[1], number)
    if png is None:
        abort(404)
    return Response(png, mimetype="image/png")


@bp.get("/kiosque/document.pdf")
def document_pdf() -> ResponseReturnValue:
    """The frozen PDF the signers sign, to read in full on the device before signing."""
    opened = current_kiosk()
    if opened is None or opened[1].pdf is None:
        return redirect(url_for("kiosk.lock"))
    document = opened[1]
    response = Response(document.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{pdf_filename(document)}"'
    return response


@bp.get("/kiosque/present")
def still_here() -> ResponseReturnValue:
    """« Je suis encore là » on the warning: a request, so the kiosk stays open (204), or 409
    when it has closed already."""
    return ("", 204) if current_kiosk() is not None else ("", 409)


@bp.post("/kiosque/terminer")
def finish() -> ResponseReturnValue:
    """The signers' pages close now; the lock page asks the staff member's PIN or password."""
    if current_kiosk() is not None:
        close_kiosk(KioskEnd.FINISHED)
    return redirect(url_for("kiosk.lock"), 303)


@bp.get("/kiosque/verrou")
def lock() -> ResponseReturnValue:
    if not session.get(KIOSK):
        return redirect(url_for("staff.dashboard"))
    return _lock_page(200, None)


def _lock_page(status: int, error: str | None) -> ResponseReturnValue:
    user = current_user()
    has_pin = user is not None and user.kiosk_pin_hash is not None
    opened = current_kiosk() is not None
    return _page("lock", status, user=user, open=opened, error=error, has_pin=has_pin)


@bp.post("/kiosque/fin")
def unlock() -> ResponseReturnValue:
    """The staff member's PIN or password (counted as a login, `unlock_kiosk`) gives their
    session back; a kiosk still open closes (« déverrouillé »)."""
    document_id = kiosk_document_id()
    user = current_user()
    if document_id is None or user is None:
        return redirect(url_for("auth.login"), 303)
    entered = request.form.get("password", "")
    try:
        unlock_kiosk(context.current(), user, entered, context.origin())
    except (UnlockRefused, TooManyAttempts) as exc:
        status = answer(exc).status if isinstance(exc, TooManyAttempts) else 422
        return _lock_page(status, str(exc))
    if current_kiosk() is not None:
        close_kiosk(KioskEnd.UNLOCKED)
    session.pop(KIOSK, None)
    return redirect(url_for("staff.document", document_id=document_id), 303)
