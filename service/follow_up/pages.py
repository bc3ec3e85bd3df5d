"""The follow-up's staff pages: a note on an objective, from the contract's page, and the
pupil's page (every document of the pupil, from any one of them). School-scoped like every
document page: another school's document is a 404."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from service import context, db
from service.accounts import csrf
from service.accounts.session import login_required
from service.documents.blueprint import READ_ROLES, document_of, refused, staff_user
from service.documents.labels import template_labels
from service.documents.page import document_page
from service.errors import ObjectiveNotFound
from service.follow_up.add_objective_note import add_objective_note
from service.follow_up.queries import pupil_documents
from service.follow_up.summary import follow_up_of
from signing.errors import AmendmentNeeded, CosigneError, ValidationFailed
from signing.permissions import StaffAction, roles_allowed

bp = Blueprint("follow_up", __name__)
csrf.protect(bp)

NOTE_FIELDS = ("objective", "status", "date", "new_deadline", "note")


@bp.post("/documents/<int:document_id>/suivi/notes")
@login_required(*roles_allowed(StaffAction.FOLLOW_UP))
def add_note(document_id: int) -> ResponseReturnValue:
    document = document_of(document_id)
    values = {name: request.form.get(name, "")[:4000] for name in NOTE_FIELDS}
    number = int(values["objective"]) if values["objective"].isdigit() else 0
    try:
        add_objective_note(
            context.current(),
            staff_user(),
            document.id,
            number,
            status=values["status"],
            note=values["note"],
            day=values["date"] or None,
            new_deadline=values["new_deadline"] or None,
            origin=context.origin(),
        )
    except ObjectiveNotFound:
        errors = {"objective": "Objectif : choisissez un des objectifs du contrat."}
        return document_page(document, note_errors=errors, note_values=values), 422
    except ValidationFailed as exc:
        page = document_page(
            document,
            note_errors={e.field: e.message for e in exc.errors},
            note_values=values,
            note_needs_amendment=isinstance(exc, AmendmentNeeded),
        )
        return page, 422
    except CosigneError as exc:
        return refused(exc, document.id)
    flash(f"La note sur l'objectif {number} est enregistrée.", "success")
    return redirect(url_for("staff.document", document_id=document.id, _anchor="suivi"))


@bp.get("/documents/<int:document_id>/eleve")
@login_required(*READ_ROLES)
def pupil(document_id: int) -> ResponseReturnValue:
    """The pupil of this document and every document of theirs in the school, in order, with
    where each of their contracts' pathways stands: its state, early end and outcome."""
    document = document_of(document_id)
    session, now = db.session(), context.current().now()
    documents = pupil_documents(session, document)
    return render_template(
        "staff/pupil.html",
        document=document,
        pupil=document.data.get("pupil") or {},
        documents=documents,
        pathways=[(d, f) for d in documents if (f := follow_up_of(session, d, now)) is not None],
        labels=template_labels(),
    )
