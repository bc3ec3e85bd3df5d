"""The site visit on a completed convention's staff page: its section (`site_visit_of`, a
template global the page's partial ``staff/_visit.html`` asks), and its two forms: done, or
planned / moved. School-scoped like every document page: another school's document is a 404."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue

from service import context, db
from service.accounts import csrf
from service.accounts.session import login_required
from service.clock import school_day
from service.documents.blueprint import document_of, refused, staff_user
from service.documents.models import Document
from service.documents.page import document_page
from service.follow_up.move_visit import move_visit
from service.follow_up.plan_visit import visit_of
from service.follow_up.record_visit import record_visit
from service.follow_up.visit_view import VisitView, view_of
from signing.errors import CosigneError, ValidationFailed
from signing.permissions import StaffAction, roles_allowed

bp = Blueprint("visits", __name__)
csrf.protect(bp)

DONE_FIELDS = ("done_date", "visited_by", "report", "tutor_met")
MOVE_FIELDS = ("planned_date", "reason")


@bp.app_template_global()
def site_visit_of(document: Document) -> dict[str, Any] | None:
    """What the visit's section shows: the visit today, whether the user may act, and the
    errors and values of a form sent back (`g.visit_form`); None without a visit."""
    visit = visit_of(db.session(), document.id)
    if visit is None:
        return None
    today = school_day(context.current().now(), document.school.uai)
    view: VisitView = view_of(visit, today)
    form = getattr(g, "visit_form", None) or {"errors": {}, "values": {}, "which": None}
    return {
        "view": view,
        "can": staff_user().role in roles_allowed(StaffAction.VISIT),
        "today": today,
        **form,
    }


def _form(names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.form.get(name, "")[:4000] for name in names}


def _sent_back(
    document: Document, which: str, values: dict[str, str], exc: ValidationFailed
) -> tuple[str, int]:
    """The page again, with the form's errors and what was typed (422)."""
    g.visit_form = {
        "errors": {e.field: e.message for e in exc.errors},
        "values": values,
        "which": which,
    }
    return document_page(document), 422


@bp.post("/documents/<int:document_id>/visite/faite")
@login_required(*roles_allowed(StaffAction.VISIT))
def record(document_id: int) -> ResponseReturnValue:
    document = document_of(document_id)
    values = _form(DONE_FIELDS)
    try:
        record_visit(
            context.current(), staff_user(), document.id, origin=context.origin(), **values
        )
    except ValidationFailed as exc:
        return _sent_back(document, "done", values, exc)
    except CosigneError as exc:
        return refused(exc, document.id)
    flash("La visite du lieu de stage est notée comme faite.", "success")
    return redirect(url_for("staff.document", document_id=document.id, _anchor="visite"))


@bp.post("/documents/<int:document_id>/visite/date")
@login_required(*roles_allowed(StaffAction.VISIT))
def move(document_id: int) -> ResponseReturnValue:
    document = document_of(document_id)
    values = _form(MOVE_FIELDS)
    try:
        _, first = move_visit(
            context.current(),
            staff_user(),
            document.id,
            planned_date=values["planned_date"],
            reason=values["reason"] or None,
            origin=context.origin(),
        )
    except ValidationFailed as exc:
        return _sent_back(document, "move", values, exc)
    except CosigneError as exc:
        return refused(exc, document.id)
    flash("La visite est planifiée." if first else "La visite est déplacée.", "success")
    return redirect(url_for("staff.document", document_id=document.id, _anchor="visite"))
