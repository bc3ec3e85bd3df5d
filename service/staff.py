"""The staff pages: dashboard, document forms, the document page and its actions.

Every decision comes from `service.operations` and `signing.workflow`; these views only turn a
request into a call and the answer (or the refusal) into a page. Every query is scoped to the
user's school (another school's document is a 404); every POST carries the CSRF token and ends in
a redirect with a notice; no GET changes anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from service import csrf, db, events, finalize, forms, operations, verification
from service.auth import current_user, login_required
from service.models import Document, User
from service.signature_image import SignatureImageRefused, clean_signature
from service.web import context, origin
from signing.errors import (
    ArchiveError,
    ConversionError,
    CosigneError,
    TransitionRefused,
    UnknownKind,
    ValidationFailed,
)
from signing.model import ROLE_LABELS, Kind
from signing.schema import load_schema
from signing.workflow import (
    DOCUMENT_TRANSITIONS,
    SIGNER_TRANSITIONS,
    AmendmentView,
    DocumentAction,
    DocumentState,
    SignerAction,
    SignerState,
    decide_amend,
)

bp = Blueprint("staff", __name__)
csrf.protect(bp)

STAFF_ROLES = ("head", "referent")
"""Who prepares and follows documents. An admin (who manages the school's accounts) may read the
dashboard and the documents, where the login sends everyone, but changes nothing."""
READ_ROLES = (*STAFF_ROLES, "admin")

PER_PAGE = 20

STATE_LABELS: Mapping[str, str] = {
    "draft": "Brouillon",
    "awaiting_signatures": "En attente de signature",
    "signed": "Signé",
    "completed": "Finalisé",
    "declined": "Refusé",
    "expired": "Expiré",
    "cancelled": "Annulé",
}
STATE_COUNT_LABELS: Mapping[str, str] = {
    "draft": "Brouillons",
    "awaiting_signatures": "En attente de signature",
    "signed": "Signés",
    "declined": "Refusés",
    "expired": "Expirés",
    "cancelled": "Annulés",
    "completed": "Finalisés",
}
STATE_BADGES: Mapping[str, str] = {
    "draft": "",
    "awaiting_signatures": "fr-badge--info",
    "signed": "fr-badge--success",
    "completed": "fr-badge--success",
    "declined": "fr-badge--error",
    "expired": "fr-badge--warning",
    "cancelled": "",
}
SIGNER_STATE_LABELS: Mapping[str, str] = {
    "waiting": "En attente",
    "invited": "Invité",
    "opened": "Ouvert",
    "signed": "Signé",
    "declined": "Refusé",
}
SIGNER_BADGES: Mapping[str, str] = {
    "waiting": "",
    "invited": "fr-badge--info",
    "opened": "fr-badge--new",
    "signed": "fr-badge--success",
    "declined": "fr-badge--error",
}
EVENT_LABELS: Mapping[str, str] = {
    "created": "Brouillon créé",
    "updated": "Brouillon modifié",
    "issued": "Document émis",
    "invited": "Invitation envoyée",
    "opened": "Lien de signature ouvert",
    "signed": "Signature",
    "declined": "Refus de signer",
    "reminded": "Relance envoyée",
    "cancelled": "Document annulé",
    "expired": "Délai de signature dépassé",
    "completed": "Document finalisé (scellé et archivé)",
}
KIND_LABELS: Mapping[str, str] = {k.value: load_schema(k.value).title for k in Kind}


@bp.app_template_filter("paris")
def paris_time(moment: Any) -> str:
    """A moment as Paris people read it: « 28/11/2026 à 10:00 »."""
    if moment is None:
        return ""
    from service.clock import PARIS  # noqa: PLC0415 — the filter is the only user

    return str(moment.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M"))


@bp.app_template_filter("french_date")
def french_date(value: Any) -> str:
    """An ISO date (or a date) as « 06/01/2027 »; anything else as it is."""
    if value is None or value == "":
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    parts = text[:10].split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else text


def _user() -> User:
    user = current_user()
    assert user is not None  # noqa: S101 — login_required guarantees it
    return user


def _document(document_id: int) -> Document:
    try:
        return operations.get_document(db.session(), _user().school_id, document_id)
    except operations.NotFound:
        abort(404)


def _to_document(document_id: int) -> ResponseReturnValue:
    return redirect(url_for("staff.document", document_id=document_id))


def _refused(exc: CosigneError, document_id: int) -> ResponseReturnValue:
    flash(_sentence(str(exc)), "error")
    return _to_document(document_id)


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


# ---------------------------------------------------------------------------------------------
# Dashboard


@bp.get("/tableau-de-bord")
@login_required(*READ_ROLES)
def dashboard() -> ResponseReturnValue:
    user = _user()
    session = db.session()
    state = request.args.get("etat", "")
    kind = request.args.get("type", "")
    pupil = request.args.get("eleve", "").strip()[:100]
    state = state if state in STATE_LABELS else ""
    kind = kind if kind in KIND_LABELS else ""
    # A year that does not parse (a typo, a hand-made address) means every year.
    year = operations.parse_school_year(request.args.get("annee", ""))
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    by_state = operations.count_by_state(session, user.school_id, school_year=year)
    counts = {s: by_state.get(s, 0) for s in STATE_COUNT_LABELS}
    documents, total = operations.list_documents(
        session,
        user.school_id,
        state=state or None,
        kind=kind or None,
        pupil=pupil or None,
        school_year=year,
        page=page_number,
        per_page=PER_PAGE,
    )
    pages = max(1, -(-total // PER_PAGE))
    year_label = operations.school_year_label(year) if year is not None else ""
    filters = {
        k: v
        for k, v in (("etat", state), ("type", kind), ("eleve", pupil), ("annee", year_label))
        if v
    }
    current_year = operations.school_year(operations.paris_day(context().now()))
    years = sorted({current_year, *operations.school_years(session, user.school_id)}, reverse=True)
    if year is not None and year not in years:
        years.append(year)
    return render_template(
        "staff/dashboard.html",
        counts=counts,
        documents=documents,
        total=total,
        can_create=_user().role in STAFF_ROLES,
        page=page_number,
        pages=pages,
        filters=filters,
        state=state,
        kind=kind,
        pupil=pupil,
        year=year_label,
        years=[operations.school_year_label(y) for y in years],
        labels=_labels(),
    )


def _labels() -> dict[str, Any]:
    return {
        "states": STATE_LABELS,
        "state_counts": STATE_COUNT_LABELS,
        "state_badges": STATE_BADGES,
        "signer_states": SIGNER_STATE_LABELS,
        "signer_badges": SIGNER_BADGES,
        "kinds": KIND_LABELS,
        "roles": {role.value: label for role, label in ROLE_LABELS.items()},
        "events": EVENT_LABELS,
    }


# ---------------------------------------------------------------------------------------------
# Forms


@bp.route("/documents/nouveau/<kind>", methods=["GET", "POST"])
@login_required(*STAFF_ROLES)
def new_document(kind: str) -> ResponseReturnValue:
    if kind not in KIND_LABELS:
        abort(404)
    user = _user()
    if request.method == "GET":
        return _form_page(kind, _prefill(kind, user), document=None)
    data = forms.parse(kind, request.form)
    try:
        document = operations.create_document(context(), user, {"kind": kind, "data": data})
    except ValidationFailed as exc:
        return _form_page(kind, data, None, exc.errors, exc.warnings), 422
    flash("Le brouillon est enregistré.", "success")
    _flash_warnings(document)
    return _to_document(document.id)


@bp.route("/documents/<int:document_id>/modifier", methods=["GET", "POST"])
@login_required(*STAFF_ROLES)
def edit_document(document_id: int) -> ResponseReturnValue:
    document = _document(document_id)
    if (DocumentState(document.state), DocumentAction.EDIT) not in DOCUMENT_TRANSITIONS:
        flash("Ce document n'est plus un brouillon : il ne peut plus être modifié.", "error")
        return _to_document(document.id)
    if request.method == "GET":
        warnings = forms.issues_from_json(document.warnings or [])
        return _form_page(document.kind, document.data, document, (), warnings)
    data = forms.parse(document.kind, request.form)
    try:
        document = operations.update_document(context(), _user(), document.id, {"data": data})
    except ValidationFailed as exc:
        return _form_page(document.kind, data, document, exc.errors, exc.warnings), 422
    except CosigneError as exc:  # Conflict, TransitionRefused: someone moved it meanwhile
        return _refused(exc, document.id)
    flash("Les modifications du brouillon sont enregistrées.", "success")
    _flash_warnings(document)
    return _to_document(document.id)


def _prefill(kind: str, user: User) -> dict[str, Any]:
    """A convention started from a pathway contract takes its pupil, guardians and referent."""
    source = request.args.get("parcours", "")
    if kind != Kind.CONVENTION or not source.isdigit():
        return {}
    try:
        pathway = operations.get_document(db.session(), user.school_id, int(source))
    except operations.NotFound:
        abort(404)
    if pathway.kind != Kind.PARCOURS:
        abort(404)
    data = pathway.data
    return {
        "internship_type": "stage_parcours",
        "pupil": data.get("pupil"),
        "guardians": data.get("guardians"),
        "referent": data.get("referent"),
        "parcours_id": pathway.id,
    }


def _flash_warnings(document: Document) -> None:
    for warning in document.warnings or []:
        flash(_sentence(warning.get("message", "")), "warning")


def _form_page(
    kind: str,
    data: Mapping[str, Any] | None,
    document: Document | None,
    errors: Any = (),
    warnings: Any = (),
) -> str:
    form = forms.build(kind, data, list(errors), list(warnings))
    return render_template("staff/form.html", form=form, document=document)


# ---------------------------------------------------------------------------------------------
# The document page


@bp.get("/documents/<int:document_id>")
@login_required(*READ_ROLES)
def document(document_id: int) -> ResponseReturnValue:
    document = _document(document_id)
    return _document_page(document)


def _document_page(
    document: Document,
    cancel_error: str | None = None,
    sign_errors: Mapping[str, str] | None = None,
    sign_values: Mapping[str, Any] | None = None,
) -> str:
    state = DocumentState(document.state)
    acts = _user().role in STAFF_ROLES
    can = {
        action.value: acts and (state, action) in DOCUMENT_TRANSITIONS
        for action in (DocumentAction.EDIT, DocumentAction.ISSUE, DocumentAction.CANCEL)
    }
    remindable = {
        signer.id
        for signer in document.signers
        if acts
        and (state, DocumentAction.REMIND) in DOCUMENT_TRANSITIONS
        and (SignerState(signer.state), SignerAction.REMIND) in SIGNER_TRANSITIONS
    }
    head_signer = next((s for s in document.signers if s.role == "head"), None)
    can_sign = (
        _user().role == "head"
        and head_signer is not None
        and (state, DocumentAction.SIGN) in DOCUMENT_TRANSITIONS
        and (SignerState(head_signer.state), SignerAction.SIGN) in SIGNER_TRANSITIONS
    )
    session = db.session()
    is_pathway = document.kind == Kind.PARCOURS
    conventions = operations.conventions_of(session, document) if is_pathway else []
    pathway = document.pathway if document.kind == Kind.CONVENTION else None
    amendments = operations.amendments_of(session, document)
    amended = document.amends
    can["amend"] = acts and _may_amend(document, amendments)
    return render_template(
        "staff/document.html",
        document=document,
        form=forms.build(document.kind, document.data),
        warnings=document.warnings or [],
        can=can,
        can_act=acts,
        remindable=remindable,
        labels=_labels(),
        cancel_error=cancel_error,
        pathway=pathway,
        conventions=conventions,
        offers_convention=(
            acts and document.kind == Kind.PARCOURS and document.data.get("includes_internship")
        ),
        amended=amended,
        amendments=amendments,
        head_signer=head_signer if can_sign else None,
        sign_errors=sign_errors or {},
        sign_values=sign_values or {},
        consent_text=operations.CONSENT_TEXT,
    )


def _may_amend(document: Document, amendments: list[Document]) -> bool:
    """The workflow's answer to « may this document be amended now? »."""
    views = [AmendmentView(a.id, DocumentState(a.state)) for a in amendments]
    try:
        decide_amend(DocumentState(document.state), views)
    except TransitionRefused:
        return False
    return True


@bp.post("/documents/<int:document_id>/avenant")
@login_required(*STAFF_ROLES)
def amend(document_id: int) -> ResponseReturnValue:
    """Start an amendment of a completed document and open its form."""
    document = _document(document_id)
    try:
        amendment = operations.create_amendment(context(), _user(), document.id)
    except CosigneError as exc:
        return _refused(exc, document.id)
    flash(
        f"L'avenant n° {amendment.id} au document n° {document.id} est créé en brouillon, "
        "prérempli avec ses données : modifiez ce qui change, enregistrez, puis émettez-le pour "
        "qu'il soit signé à nouveau.",
        "success",
    )
    return redirect(url_for("staff.edit_document", document_id=amendment.id))


@bp.get("/documents/<int:document_id>/piste-audit")
@login_required(*READ_ROLES)
def audit_trail(document_id: int) -> ResponseReturnValue:
    """The document's events, oldest first, and whether their hash chain is intact."""
    document = _document(document_id)
    trail = list(document.events)
    breaks = events.check_chain(trail, document.last_event_hash)
    return render_template(
        "staff/audit.html", document=document, trail=trail, breaks=breaks, labels=_labels()
    )


@bp.get("/documents/<int:document_id>/verification")
@login_required(*READ_ROLES)
def verify_final_pdf(document_id: int) -> ResponseReturnValue:
    """Check the archived final PDF as anyone holding it would at /verifier: its seal, that it
    is unchanged since, and that it is this document's. Reads only."""
    document = _document(document_id)
    if document.state != DocumentState.COMPLETED or not document.final_pdf_sha256:
        flash("Ce document n'a pas encore de PDF signé et scellé à vérifier.", "error")
        return _to_document(document.id)
    try:
        pdf = operations.document_pdf(context(), db.session(), document)
    except ArchiveError:
        current_app.logger.exception("PDF final du document %s illisible", document.id)
        flash(
            "Le PDF archivé est illisible ou ne correspond plus à son empreinte : prévenez "
            "l'administrateur de Cosigne.",
            "error",
        )
        return _to_document(document.id)
    max_bytes, timeout_s = verification.limits(current_app.config)
    try:
        checked = verification.verify_upload(
            db.session(),
            pdf,
            trust_roots=verification.trust_roots(current_app.config["COSIGNE"]),
            school_id=document.school_id,
            max_bytes=max_bytes,
            timeout_s=timeout_s,
        )
    except CosigneError:
        flash("La vérification est momentanément indisponible. Réessayez plus tard.", "error")
        return _to_document(document.id)
    return render_template(
        "staff/verification.html",
        document=document,
        checked=checked,
        report=checked.report,
        moment=verification.moment_fr,
        labels=_labels(),
    )


@bp.get("/documents/<int:document_id>/pdf")
@login_required(*READ_ROLES)
def document_pdf(document_id: int) -> ResponseReturnValue:
    """The draft's preview, the frozen PDF once issued, the sealed one once completed (the
    operation chooses, and checks the archived file's hash)."""
    document = _document(document_id)
    try:
        pdf = operations.document_pdf(context(), db.session(), document)
    except ConversionError:
        flash("Le PDF n'a pas pu être fabriqué. Réessayez dans un instant.", "error")
        return _to_document(document.id)
    except ArchiveError:
        current_app.logger.exception("PDF final du document %s illisible", document.id)
        flash("Le PDF signé est momentanément indisponible. Réessayez plus tard.", "error")
        return _to_document(document.id)
    suffix = {"draft": "apercu", "completed": "signe"}.get(document.state, "emis")
    name = f"document-{document.id}-{suffix}.pdf"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/documents/<int:document_id>/emettre")
@login_required(*STAFF_ROLES)
def issue(document_id: int) -> ResponseReturnValue:
    document = _document(document_id)
    try:
        operations.issue_document(context(), _user(), document.id)
    except ValidationFailed as exc:
        flash(
            "Le document n'a pas été émis : corrigez le brouillon. "
            + " ".join(_sentence(e.message) for e in exc.errors),
            "error",
        )
        return _to_document(document.id)
    except ConversionError:
        flash("Le PDF n'a pas pu être fabriqué : le document n'a pas été émis.", "error")
        return _to_document(document.id)
    except CosigneError as exc:
        return _refused(exc, document.id)
    flash(
        "Le document est émis : les signataires reçoivent leur invitation par courriel.", "success"
    )
    return _to_document(document.id)


@bp.post("/documents/<int:document_id>/signataires/<int:signer_id>/relancer")
@login_required(*STAFF_ROLES)
def remind(document_id: int, signer_id: int) -> ResponseReturnValue:
    return _remind(document_id, signer_id, rotate=False)


@bp.post("/documents/<int:document_id>/signataires/<int:signer_id>/renvoyer")
@login_required(*STAFF_ROLES)
def resend(document_id: int, signer_id: int) -> ResponseReturnValue:
    return _remind(document_id, signer_id, rotate=True)


def _remind(document_id: int, signer_id: int, *, rotate: bool) -> ResponseReturnValue:
    document = _document(document_id)
    try:
        signer = operations.remind_signer(context(), _user(), document.id, signer_id, rotate=rotate)
    except operations.NotFound:
        abort(404)
    except CosigneError as exc:
        return _refused(exc, document.id)
    assert signer is not None  # noqa: S101 — None only for the worker's timed reminders
    if rotate:
        flash(
            f"Un nouveau lien a été envoyé à {signer.full_name} ({signer.email}) ; "
            "l'ancien lien ne fonctionne plus.",
            "success",
        )
    else:
        flash(f"Une relance a été envoyée à {signer.full_name} ({signer.email}).", "success")
    return _to_document(document.id)


@bp.post("/documents/<int:document_id>/annuler")
@login_required(*STAFF_ROLES)
def cancel(document_id: int) -> ResponseReturnValue:
    document = _document(document_id)
    try:
        operations.cancel_document(context(), _user(), document.id, request.form.get("reason", ""))
    except ValidationFailed as exc:
        message = _sentence(exc.errors[0].message) if exc.errors else "Motif invalide."
        return _document_page(document, cancel_error=message), 422
    except CosigneError as exc:
        return _refused(exc, document.id)
    flash("Le document est annulé ; les liens de signature ne fonctionnent plus.", "success")
    return _to_document(document.id)


@bp.post("/documents/<int:document_id>/signer")
@login_required("head")
def sign(document_id: int) -> ResponseReturnValue:
    """The head signs the school's part here, logged in, without the mailed link."""
    document = _document(document_id)
    consent = bool(request.form.get("consent"))
    full_name = request.form.get("full_name", "")[:250]
    values = {"consent": consent, "full_name": full_name}
    ctx = context()
    try:
        signature_png = clean_signature(request.form.get("signature", ""))
        operations.sign_as_staff(
            ctx,
            _user(),
            document.id,
            origin(),
            consent=consent,
            full_name=full_name,
            signature_png=signature_png,
        )
    except SignatureImageRefused as exc:
        errors = {exc.issue.field: exc.issue.message}
        return _document_page(document, sign_errors=errors, sign_values=values), 422
    except operations.SignatureRefused as exc:
        errors = {issue.field: issue.message for issue in exc.issues}
        return _document_page(document, sign_errors=errors, sign_values=values), 422
    except operations.NotFound:
        abort(404)
    except CosigneError as exc:
        return _refused(exc, document.id)
    try:
        finalize.finalize(ctx, document.id)
    except CosigneError:
        # The worker finishes it later; the signature itself is recorded.
        current_app.logger.exception("finalisation du document %s reportée", document.id)
    flash("Votre signature est enregistrée.", "success")
    return _to_document(document.id)


@bp.errorhandler(UnknownKind)
def unknown_kind(_exc: UnknownKind) -> ResponseReturnValue:
    abort(404)
